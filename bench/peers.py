#!/usr/bin/env python3
"""rnn-studio next to PyTorch on this CPU, case by case, same shapes.

A benchmark tool only (PyTorch is never a runtime dependency of rnn-studio).
For each thread count it first runs `rnn-studio bench … --json` (the numbers
rnn-studio reports about itself), then the same case in PyTorch in this
process with the same shapes (and the same weights where the weights decide
the work: the encoder, sketch-rnn), warm-up first, median of >= 7 runs, and
prints one JSON line per case and thread count:

  {"case": …, "threads": 1|2, "rnn_studio_ms": …, "pytorch_ms": …, "ratio": …, "cpu": …}

ratio = rnn_studio_ms / pytorch_ms (below 1: rnn-studio is faster).

Setup (once):
  python3 -m venv .venv-peers && .venv-peers/bin/pip install torch numpy
  cargo build --release
Run:
  .venv-peers/bin/python bench/peers.py [--bin target/release/rnn-studio] [--runs 7] [--markdown]
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent


# ---- shared helpers -----------------------------------------------------------


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def median_ms(fn, runs, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def read_safetensors(path):
    """Name -> float32 numpy array (F32, F16 and I16 tensors)."""
    raw = Path(path).read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    body = memoryview(raw)[8 + n :]
    kinds = {"F32": np.float32, "F16": np.float16, "I16": np.int16}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        arr = np.frombuffer(body[a:b], dtype=kinds[meta["dtype"]]).reshape(meta["shape"])
        out[name] = arr
    return out


def rnn_studio(binary, threads, *args):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads), CANDLE_NUM_THREADS=str(threads))
    out = subprocess.run(
        [binary, "bench", *args, "--json"], env=env, check=True, capture_output=True, text=True
    ).stdout
    return {c["case"]: c for c in map(json.loads, filter(None, out.splitlines()))}


# ---- LSTM cases -----------------------------------------------------------------

BATCH, STEPS, INPUT, HIDDEN, LAYERS, CLASSES = 64, 150, 3, 128, 3, 10


def torch_train_step(runs):
    """Forward, BPTT, global-norm clipping at 1, Adam: rnn-studio's
    `train_step_b64_t150_bi3x128` (head on the last step's output)."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(INPUT, HIDDEN, LAYERS, bidirectional=True, batch_first=True)
    head = torch.nn.Linear(2 * HIDDEN, CLASSES)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(BATCH, STEPS, INPUT) * 2 - 1
    y = torch.randint(0, CLASSES, (BATCH,))

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = lstm(x)
        loss = F.cross_entropy(head(out[:, -1]), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    return median_ms(step, runs)


def torch_stream_step(runs):
    """Batch 1, one point through a 3-layer LSTM-128 with its state kept:
    rnn-studio's `stream_step_3x128` (per point)."""
    torch.manual_seed(2)
    lstm = torch.nn.LSTM(INPUT, HIDDEN, LAYERS)
    points = torch.rand(2000, 1, 1, INPUT) * 2 - 1

    @torch.inference_mode()
    def stream():
        state = None
        for p in points:
            _, state = lstm(p, state)

    return median_ms(stream, max(3, runs // 2)) / len(points)


# ---- EfficientNet-Lite0/1/2 (ARCHITECTURE.md of shared/data/efficientnet-lite0) ----

# Stride of each stage's first block; a stage starts where the channels change.
STAGE_STRIDES = [1, 2, 2, 2, 1, 2, 1]
SIZES = {"lite0": 224, "lite1": 240, "lite2": 260}


def lite_blocks(t):
    """(expand, kernel, stride, in, out) per block, read off the tensors' shapes."""
    blocks, stage, n = [], -1, 0
    while f"_blocks.{n}._depthwise_conv.weight" in t:
        p = f"_blocks.{n}."
        dw = t[p + "_depthwise_conv.weight"]
        mid, k = dw.shape[0], dw.shape[-1]
        cin = t[p + "_expand_conv.weight"].shape[1] if p + "_expand_conv.weight" in t else mid
        cout = t[p + "_project_conv.weight"].shape[0]
        stage += cin != cout or n == 0
        first = cin != cout or n == 0
        blocks.append((mid // cin, k, STAGE_STRIDES[stage] if first else 1, cin, cout))
        n += 1
    return blocks


def same_pad(x, k, s):
    """TensorFlow SAME padding: the odd zero goes bottom/right."""
    h, w = x.shape[-2:]
    pads = []
    for n in (w, h):
        out = math.ceil(n / s)
        total = max((out - 1) * s + k - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class Lite:
    """EfficientNet-Lite0, Lite1 or Lite2 (the blocks read off the weights).
    Inference only, BatchNorm folded into the convolutions at load (what a
    deployed PyTorch model would do; it only helps PyTorch)."""

    def __init__(self, path):
        t = {k: torch.from_numpy(v.astype(np.float32)) for k, v in read_safetensors(path).items()}

        def conv_bn(conv, bn):
            w = t[conv + ".weight"]
            scale = t[bn + ".weight"] / torch.sqrt(t[bn + ".running_var"] + 1e-3)
            bias = t[bn + ".bias"] - t[bn + ".running_mean"] * scale
            return (w * scale[:, None, None, None]).contiguous(), bias.contiguous()

        self.stem = conv_bn("_conv_stem", "_bn0")
        self.blocks = []
        for i, (e, k, s, cin, cout) in enumerate(lite_blocks(t)):
            p = f"_blocks.{i}."
            expand = conv_bn(p + "_expand_conv", p + "_bn0") if e != 1 else None
            dw = conv_bn(p + "_depthwise_conv", p + "_bn1")
            proj = conv_bn(p + "_project_conv", p + "_bn2")
            self.blocks.append((expand, dw, proj, k, s, s == 1 and cin == cout))
        self.head = conv_bn("_conv_head", "_bn1")
        self.fc = (t["_fc.weight"], t["_fc.bias"])

    @torch.inference_mode()
    def __call__(self, x):
        w, b = self.stem
        x = F.conv2d(same_pad(x, 3, 2), w, b, stride=2).clamp_(0, 6)
        for expand, (dw, dwb), (pw, pb), k, s, residual in self.blocks:
            inp = x
            if expand is not None:
                x = F.conv2d(x, *expand).clamp_(0, 6)
            x = F.conv2d(same_pad(x, k, s), dw, dwb, stride=s, groups=dw.shape[0]).clamp_(0, 6)
            x = F.conv2d(x, pw, pb)
            if residual:
                x = x + inp
        grid = F.conv2d(x, *self.head).clamp_(0, 6)
        logits = F.linear(grid.mean((2, 3)), *self.fc)
        return grid, logits


def captioner_encoders():
    """The networks the shipped captioner's members read (its config.json): the
    names in members' order, and {name: (network, input side)}."""
    config = json.loads((ROOT / "weights/captioner/config.json").read_text())
    members = config.get("members", ["decoder.safetensors"])
    names = config.get("member_encoders") or [config.get("encoder", "lite0")] * len(members)
    nets = {n: (Lite(ROOT / f"weights/encoder/efficientnet_{n}.safetensors"), SIZES[n]) for n in names}
    return names, nets


def chelsea_input(size):
    from PIL import Image  # noqa: PLC0415 (only this case needs Pillow)

    img = Image.open(ROOT / "tests/fixtures/encoder/chelsea.png").convert("RGB")
    a = (np.asarray(img.resize((size, size), Image.BILINEAR), dtype=np.float32) - 127.0) / 128.0
    return torch.from_numpy(a.transpose(2, 0, 1).copy())[None]


def torch_encoder(runs):
    """Every network the captioner reads, one after the other."""
    _, nets = captioner_encoders()
    inputs = {n: chelsea_input(size) for n, (_, size) in nets.items()}
    labels = (ROOT / "weights/encoder/imagenet_classes.txt").read_text().splitlines()
    for n, (net, _) in nets.items():
        top = labels[int(net(inputs[n])[1].argmax())]
        assert "cat" in top, f"the PyTorch port of {n} must see the cat, saw {top}"
    return median_ms(lambda: [net(inputs[n]) for n, (net, _) in nets.items()], runs)


# ---- the captioner: encoder + attention LSTM decoder, beam 3 -------------------------

START, END, UNK = 0, 1, 2


class Decoder:
    """`src/caption/decoder.rs`'s equations with the shipped weights of one member."""

    def __init__(self, path):
        t = {k: torch.from_numpy(v.astype(np.float32)) for k, v in read_safetensors(path).items()}
        self.t = t
        self.w_score = t["att_score.weight"].reshape(-1)
        self.b_lstm = t["lstm.bias_ih_l0"] + t["lstm.bias_hh_l0"]

    def start(self, grid):
        """The photo's regions, keys and the initial state (h, c), batch 1."""
        t = self.t
        v = F.linear(grid, t["region.weight"], t["region.bias"])  # (L, C)
        u = F.linear(v, t["att_key.weight"], t["att_key.bias"])  # (L, A)
        mean = v.mean(0)
        h = torch.tanh(F.linear(mean, t["init_h.weight"], t["init_h.bias"]))[None]
        c = torch.tanh(F.linear(mean, t["init_c.weight"], t["init_c.bias"]))[None]
        return (v, u), h, c

    def step(self, photo, words, h, c):
        """One word for R rows: log p over the vocabulary (R, V), new h and c."""
        t, (v, u) = self.t, photo
        k = torch.tanh(u[None] + F.linear(h, t["att_query.weight"])[:, None, :])
        alpha = torch.softmax(k @ self.w_score, 1)  # (R, L)
        z = alpha @ v  # (R, C)
        emb = t["embed.weight"][words]
        gates = F.linear(torch.cat([emb, z], 1), t["lstm.weight_ih_l0"]) + F.linear(h, t["lstm.weight_hh_l0"]) + self.b_lstm
        i, f, g, o = gates.chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        out = torch.tanh(emb + F.linear(h, t["out_h.weight"]) + F.linear(z, t["out_z.weight"]) + t["out.bias"])
        return torch.log_softmax(F.linear(out, t["logit.weight"], t["logit.bias"]), 1), h, c


@torch.inference_mode()
def beam(decoders, grids, alpha, width=3, max_len=20):
    """`src/caption/beam.rs`: beam search over the ensemble's mean word probability,
    member i reading grids[i]; finished captions ranked by log p / tokens^alpha."""
    started = [d.start(g) for d, g in zip(decoders, grids)]
    photos = [p for p, _, _ in started]
    states = [(h, c) for _, h, c in started]
    live = [([], 0.0)]
    finished = []
    for step in range(max_len):
        room = width - len(finished)
        if not live or room == 0:
            break
        words = torch.tensor([ws[-1] if ws else START for ws, _ in live])
        lps, new_states = [], []
        for d, photo, (h, c) in zip(decoders, photos, states):
            lp, h, c = d.step(photo, words, h, c)
            lps.append(lp)
            new_states.append((h, c))
        lp = lps[0] if len(lps) == 1 else torch.logsumexp(torch.stack(lps), 0) - math.log(len(lps))
        lp = lp.double()
        lp[:, START] = -math.inf
        lp[:, UNK] = -math.inf
        for r, (ws, _) in enumerate(live):  # no repeated trigram
            if len(ws) >= 2:
                for a, b, nxt in zip(ws, ws[1:], ws[2:]):
                    if (a, b) == (ws[-2], ws[-1]):
                        lp[r, nxt] = -math.inf
        total = lp + torch.tensor([lpr for _, lpr in live], dtype=torch.float64)[:, None]
        best, idx = total.flatten().topk(room)
        nxt_live, rows = [], []
        for score, flat in zip(best.tolist(), idx.tolist()):
            r, w = divmod(flat, total.shape[1])
            ws = live[r][0]
            if w == END or step + 1 == max_len:
                finished.append((score / (step + 1) ** alpha, ws if w == END else ws + [w]))
            else:
                nxt_live.append((ws + [w], score))
                rows.append(r)
        live = nxt_live
        states = [(h[rows], c[rows]) for h, c in new_states] if rows else new_states
    finished.sort(key=lambda x: -x[0])
    return finished[0][1] if finished else []


def torch_caption(runs):
    from PIL import Image  # noqa: PLC0415

    folder = ROOT / "weights/captioner"
    config = json.loads((folder / "config.json").read_text())
    names, nets = captioner_encoders()
    members = config.get("members", ["decoder.safetensors"])
    decoders = [Decoder(folder / m) for m in members]
    words = json.loads((folder / "vocab.json").read_text())["words"]
    photo = Image.open(ROOT / "tests/fixtures/encoder/chelsea.png").convert("RGB")

    def caption():
        grids = {}
        for n, (net, size) in nets.items():
            small = photo.resize((size, size), Image.BILINEAR)
            a = (np.asarray(small, dtype=np.float32) - 127.0) / 128.0
            grid, _ = net(torch.from_numpy(a.transpose(2, 0, 1).copy())[None])
            grids[n] = grid[0].flatten(1).T.contiguous()
        return beam(decoders, [grids[n] for n in names], config.get("length_alpha", 1.0))

    text = " ".join(words[w] for w in caption())
    return median_ms(caption, runs), text


# ---- sketch-rnn sampling ------------------------------------------------------------


def torch_sketch_rnn(runs, tokens):
    """`tokens` decoder steps of the bird model at τ = 0.25: LSTM-512 step,
    the 20-component mixture head, a component and a pen state drawn, the
    offset drawn from the chosen bivariate normal (as sketch-rnn's sampler)."""
    w = read_safetensors(ROOT / "weights/sketch-rnn/bird.safetensors")
    cfg = json.loads((ROOT / "weights/sketch-rnn/bird.json").read_text())
    q = cfg["dequant_scale"]
    cell = torch.nn.LSTMCell(5, 512)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(w["lstm.weight_ih_l0"].astype(np.float32) * q))
        cell.weight_hh.copy_(torch.from_numpy(w["lstm.weight_hh_l0"].astype(np.float32) * q))
        b = torch.from_numpy(w["lstm.bias_ih_l0"].astype(np.float32) * q)
        b[512:1024] += cfg["forget_bias"]
        cell.bias_ih.copy_(b)
        cell.bias_hh.zero_()
    out_w = torch.from_numpy(w["output.weight"].astype(np.float32) * q)
    out_b = torch.from_numpy(w["output.bias"].astype(np.float32) * q)
    tau = 0.25
    gen = torch.Generator().manual_seed(0)

    @torch.inference_mode()
    def sample():
        h = torch.zeros(1, 512)
        c = torch.zeros(1, 512)
        x = torch.zeros(1, 5)
        for _ in range(tokens):
            h, c = cell(x, (h, c))
            y = F.linear(h, out_w, out_b)[0]
            pen_logits, mix = y[:3], y[3:].view(6, 20)
            pi, mx, my, sx, sy, rho = mix
            k = int(torch.multinomial(torch.softmax(pi / tau, 0), 1, generator=gen))
            sxk = torch.exp(sx[k]) * math.sqrt(tau)
            syk = torch.exp(sy[k]) * math.sqrt(tau)
            r = torch.tanh(rho[k])
            z1, z2 = torch.randn(2, generator=gen)
            dx = mx[k] + sxk * z1
            dy = my[k] + syk * (r * z1 + torch.sqrt(1 - r * r) * z2)
            pen = int(torch.multinomial(torch.softmax(pen_logits / (0.5 + 0.5 * tau), 0), 1, generator=gen))
            x = torch.zeros(1, 5)
            x[0, 0], x[0, 1], x[0, 2 + pen] = dx, dy, 1.0

    return median_ms(sample, runs)


# ---- main -------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target/release/rnn-studio"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = ap.parse_args()
    cpu = cpu_model()
    rows = []
    for threads in map(int, args.threads.split(",")):
        torch.set_num_threads(threads)
        ours = rnn_studio(args.bin, threads, "lstm", "--no-baseline", "--runs", str(args.runs))
        ours.update(rnn_studio(args.bin, threads, "caption", "--runs", str(args.runs)))
        ours.update(rnn_studio(args.bin, threads, "sketch-rnn", "--runs", str(args.runs)))
        sk = ours["sample_one"]
        caption_ms, torch_text = torch_caption(args.runs)
        if torch_text != ours["photo_to_caption_beam3"]["caption"]:
            print(json.dumps({"warning": "captions differ", "rnn_studio": ours["photo_to_caption_beam3"]["caption"], "pytorch": torch_text}))
        cases = [
            ("lstm_train_step_b64_t150_bi3x128", ours["train_step_b64_t150_bi3x128"]["fused_ms"], torch_train_step(args.runs)),
            ("lstm_stream_step_3x128", ours["stream_step_3x128"]["fused_ms"], torch_stream_step(args.runs)),
            (f"encoders_forward_{'+'.join(captioner_encoders()[1])}", ours["photo_to_caption_beam3"]["encoder_ms"], torch_encoder(args.runs)),
            ("caption_beam3", ours["photo_to_caption_beam3"]["median_ms"], caption_ms),
            (
                "sketch_rnn_sample_one",
                sk["median_ms"],
                torch_sketch_rnn(args.runs, sk["median_tokens"]),
            ),
        ]
        for name, mine, theirs in cases:
            row = {
                "case": name,
                "threads": threads,
                "rnn_studio_ms": round(mine, 4),
                "pytorch_ms": round(theirs, 4),
                "ratio": round(mine / theirs, 3),
                "cpu": cpu,
                "torch": torch.__version__,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.markdown:
        print("\n| case | threads | rnn-studio ms | PyTorch ms | ratio |")
        print("|---|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['case']} | {r['threads']} | {r['rnn_studio_ms']:.3f} | {r['pytorch_ms']:.3f} | {r['ratio']:.2f} |")
        print(f"\nCPU: {cpu}; PyTorch {torch.__version__}")


if __name__ == "__main__":
    main()
