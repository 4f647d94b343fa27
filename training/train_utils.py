"""Pieces of the training loop that are not the loop: the time-driven one-cycle LR, the EMA shadow
model, and a view of the first k logits of a model whose head carries extra outputs."""
import math

import torch

from model import MiniXception


def one_cycle(p, max_lr, pct_start=0.15, div_factor=20, final_div_factor=200):
    """OneCycleLR's cosine shape as a function of progress p in [0, 1] (used with --budget-min)."""
    lo, hi = max_lr / div_factor, max_lr
    if p < pct_start:
        return lo + (hi - lo) * (1 - math.cos(math.pi * p / pct_start)) / 2
    end = lo / final_div_factor
    q = min(1.0, (p - pct_start) / (1 - pct_start))
    return end + (hi - end) * (1 + math.cos(math.pi * q)) / 2


class FirstK(torch.nn.Module):
    """The first k logits of a model whose head also carries other outputs."""

    def __init__(self, model, k):
        super().__init__()
        self.model, self.k = model, k

    def forward(self, x):
        return self.model(x)[:, :self.k]


class EmaModel:
    """Shadow copy whose floats follow the trained weights; BN running stats are copied as-is."""

    def __init__(self, model, decay, memory_format):
        self.decay = decay
        self.model = MiniXception(model.cfg).to(next(model.parameters()).device)
        self.model = self.model.to(memory_format=memory_format)
        self.model.load_state_dict(model.state_dict())

    @torch.no_grad()
    def update(self, model):
        pairs = list(zip(self.model.state_dict().values(), model.state_dict().values()))
        floats = [(e, m) for e, m in pairs if e.dtype.is_floating_point]
        torch._foreach_mul_([e for e, _ in floats], self.decay)
        torch._foreach_add_([e for e, _ in floats], [m for _, m in floats], alpha=1 - self.decay)
        for e, m in pairs:
            if not e.dtype.is_floating_point:
                e.copy_(m)


def slice_head(model, groups, keep, memory_format):
    """A copy of model whose head keeps only the output groups in keep (in layout order), e.g. drop
    the auxiliary race head at export. groups: [(name, size)] in head order."""
    rows, start = [], 0
    for name, size in groups:
        if name in keep:
            rows += list(range(start, start + size))
        start += size
    cfg = model.cfg
    small = MiniXception(type(cfg)(cfg.in_channels, len(rows), cfg.input_size, cfg.stem, cfg.widths))
    small = small.to(next(model.parameters()).device).to(memory_format=memory_format)
    state = model.state_dict()
    state["head.weight"], state["head.bias"] = state["head.weight"][rows], state["head.bias"][rows]
    small.load_state_dict(state)
    return small.eval()
