"""Shipped weights (weights/<model>.safetensors + <model>.json, as training/export.py writes them)
loaded back into training/model.py, so PyTorch can evaluate exactly what the app runs.

A gender model may carry extra outputs beside its classes (docs/ARCHITECTURE.md 'Extra outputs'):
"outputs": {"gender": [0, 2], "age_band": [2, 12]} in the JSON, one head conv holding all of them,
and "output_labels" naming each group's logits. Without "outputs" the head is the classes alone.
"""
import json
from pathlib import Path

import torch
import torch.nn.functional as F

import safetensors_io
from model import MiniXception, ModelConfig, normalise


def output_groups(spec: dict) -> dict:
    """{group name: (start, end)} over the head's logits; the first group is the classes."""
    if "outputs" in spec:
        return {k: (int(v[0]), int(v[1])) for k, v in spec["outputs"].items()}
    return {spec["name"]: (0, len(spec["classes"]))}


def load_shipped(weights_dir, name):
    """-> (eval-mode MiniXception, spec dict). Fails with the file's name on any mismatch."""
    d = Path(weights_dir)
    spec = json.loads((d / f"{name}.json").read_text())
    tensors = safetensors_io.load(d / f"{name}.safetensors")
    head = max(e for _, e in output_groups(spec).values())
    cfg = ModelConfig(in_channels=spec["input"]["channels"], num_classes=head, input_size=spec["input"]["size"],
                      stem=spec["stem"], widths=tuple(spec["widths"]))
    model = MiniXception(cfg)
    state = {k: torch.from_numpy(v) for k, v in tensors.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"{d / name}.safetensors does not match {name}.json: missing {missing}, unexpected {unexpected}")
    if abs(spec["input"]["scale"] - 2 / 255) > 1e-9 or spec["input"]["offset"] != -1:
        raise SystemExit(f"{d / name}.json: input scale/offset differ from training/model.py's normalise()")
    return model.eval(), spec


@torch.no_grad()
def grouped_probs(model, spec, pixels_u8, flip, batch=512):
    """uint8 (N,S,S) or (N,S,S,3) -> {group: (N, k) softmax per output group}, flip-averaged when flip,
    the way the app computes each group (docs/ARCHITECTURE.md)."""
    groups = output_groups(spec)
    out = {g: [] for g in groups}
    device = next(model.parameters()).device
    model.eval()
    for i in range(0, len(pixels_u8), batch):
        px = torch.from_numpy(pixels_u8[i:i + batch]).to(device)
        x = normalise(px)
        x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2)
        x = x.contiguous(memory_format=torch.channels_last)  # as train.predict, which wrote the cards
        logits = model(x)
        flipped = model(torch.flip(x, dims=[3])) if flip else None
        for g, (a, b) in groups.items():
            p = F.softmax(logits[:, a:b], 1)
            if flip:
                p = (p + F.softmax(flipped[:, a:b], 1)) / 2
            out[g].append(p.float().cpu())
    return {g: torch.cat(v).numpy() for g, v in out.items()}
