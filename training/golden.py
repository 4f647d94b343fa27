"""Golden vectors: what PyTorch computes for a few inputs, for the browser's parity tests.

test/fixtures/<name>.golden.safetensors, F32, NHWC (the browser's layout):
  pixels (N,S,S,C) 0..255, input (N,S,S,C) normalised, logits (N,K), probs (N,K), probs_flip (N,K)
  (softmax per output group when the model has extra outputs, e.g. gender | age bands),
  taps.stem / taps.block<i> (N,h,w,C), saliency (N,K,S,S): guided back-propagation of each
  class logit to the normalised input (summed over colour channels for RGB models) (Springenberg et al. 2015: a ReLU passes gradient only where
  its forward input and the incoming gradient are both positive).
"""
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import safetensors_io
from model import MiniXception, ModelConfig, normalise


class GuidedReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g.clamp(min=0) * (x > 0).to(g.dtype)


def guided_saliency(model: MiniXception, x: torch.Tensor) -> torch.Tensor:
    """x (N,1,S,S) normalised -> (N,K,S,S) d logit_k / d x under guided ReLU."""
    acts = [m for m in model.modules() if hasattr(m, "act")]
    for m in acts:
        m.act = GuidedReLU.apply
    try:
        maps = []
        for k in range(model.cfg.num_classes):
            xi = x.clone().requires_grad_(True)
            model(xi)[:, k].sum().backward()
            maps.append(xi.grad.sum(1))  # colour input: the map sums the channels' gradients
        return torch.stack(maps, 1)  # (N, K, S, S)
    finally:
        for m in acts:
            m.act = F.relu


def fer_examples(data_path, size=48):
    """Three PublicTest faces of different classes plus one seeded noise image (uint8 (N,S,S))."""
    from data import load_fer2013
    x, y, names = load_fer2013(data_path)["PublicTest"]
    picks = [int(np.flatnonzero(y == c)[0]) for c in (3, 5, 0)]  # happy, surprise, angry
    noise = np.random.default_rng(7).integers(0, 256, (1, size, size), dtype=np.uint8)
    return np.concatenate([x[picks], noise]), [names[i] for i in picks] + ["noise(seed 7)"]


def utkface_examples(data_path, size=64, color=True):
    """Three UTKFace test chips (female, male, child) plus one seeded noise image."""
    from utkface import load_utkface, parse_name
    x, y, names = load_utkface(data_path, size=size, color=color)["test"]
    ages = np.array([parse_name(n)[0] for n in names])
    picks = [int(np.flatnonzero((y == 0) & (ages > 20))[0]), int(np.flatnonzero((y == 1) & (ages > 20))[0]),
             int(np.flatnonzero(ages < 10)[0])]
    shape = (1, size, size, 3) if color else (1, size, size)
    noise = np.random.default_rng(7).integers(0, 256, shape, dtype=np.uint8)
    return np.concatenate([x[picks], noise]), [names[i] for i in picks] + ["noise(seed 7)"]


def nhwc(t: torch.Tensor) -> np.ndarray:
    return t.detach().permute(0, 2, 3, 1).contiguous().float().numpy()


@torch.no_grad()
def _forward(model, x):
    taps = {}
    logits = model(x, taps)
    return logits, taps


def group_softmax(logits, spec):
    """Softmax per output group (the classes alone unless the spec has "outputs"), concatenated."""
    from shipped import output_groups
    groups = output_groups(spec) if spec else {"all": (0, logits.shape[1])}
    return torch.cat([F.softmax(logits[:, a:b], 1) for a, b in groups.values()], 1)


def write_golden(model: MiniXception, cfg: ModelConfig, name: str, out: Path, examples, spec=None):
    pixels_u8, sources = examples
    model.eval()
    px = torch.from_numpy(pixels_u8)
    px = px.unsqueeze(1) if px.dim() == 3 else px.permute(0, 3, 1, 2)  # (N,C,S,S) uint8
    # Contiguous NCHW: an RGB batch permuted from NHWC is channels_last in memory, and Debian's torch
    # 1.13 CPU build corrupts the heap in a channels_last backward at 64x64 (see train.py).
    x = normalise(px).contiguous()
    logits, taps = _forward(model, x)
    with torch.no_grad():
        flip = group_softmax(model(torch.flip(x, dims=[3])), spec)
    probs = group_softmax(logits, spec)
    tensors = {
        "pixels": nhwc(px.float()), "input": nhwc(x), "logits": logits.numpy(), "probs": probs.numpy(),
        "probs_flip": ((probs + flip) / 2).numpy(),
        "saliency": guided_saliency(model, x).numpy(),
    }
    tensors.update({f"taps.{k}": nhwc(v) for k, v in taps.items()})
    out.mkdir(parents=True, exist_ok=True)
    safetensors_io.save(tensors, out / f"{name}.golden.safetensors", metadata={"model": name})
    (out / f"{name}.golden.json").write_text(json.dumps({
        "model": name, "sources": sources, "tensors": {k: list(v.shape) for k, v in tensors.items()},
        "note": "written by training/golden.py; regenerate with training/export.py",
    }, indent=1) + "\n")
