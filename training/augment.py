"""Batch augmentation on whatever device the batch lives on (one affine warp per batch, no
per-image Python loop), so the same code is fast on 2 CPU cores and on a GPU."""
import math

import torch
import torch.nn.functional as F


def random_affine(x, rot_deg=15.0, scale=(0.85, 1.15), shift=0.1, flip=True):
    """x: (B, C, H, W) float. Rotation, zoom, translation and horizontal flip, border-replicated.
    scale: (lo, hi) floats, or (lo, hi) tensors of shape (B,) for a range per image (zoom > 1 = tighter crop)."""
    b = x.shape[0]
    dev = x.device
    ang = (torch.rand(b, device=dev) * 2 - 1) * math.radians(rot_deg)
    lo, hi = scale
    if torch.is_tensor(lo):
        s = lo + (hi - lo) * torch.rand(b, device=dev)
    else:  # the same random stream as before per-image ranges existed (the shipped recipes)
        s = torch.empty(b, device=dev).uniform_(lo, hi)
    sx = _mirror(s) if flip else s  # drawn before the shift, as the shipped recipes drew them
    tx, ty = ((torch.rand(2, b, device=dev) * 2 - 1) * shift * 2)  # grid units span 2
    return _warp(x, ang, s, sx, tx, ty)


# The spread of the app's crop around the training framing, measured with the detector on FER-2013
# (docs/crop-policy.md, 'How well it reproduces the training framing': |scale - 1| p90 0.307, centre
# shift p90 0.158 of the side, turn p90 6.4 degrees), as normal distributions with those p90s.
POLICY_SPREAD = {"emotion": {"turn_deg": 6.4, "log_scale": math.log(1.307), "shift": 0.158},
                 "gender": {"turn_deg": 4.0, "log_scale": math.log(1.125), "shift": 0.048}}


def policy_affine(x, spread, flip=True):
    """Crop jitter as the live crop policy produces it (POLICY_SPREAD[task]), instead of uniform ranges."""
    b = x.shape[0]
    dev = x.device
    z = 1.645  # p90 of |N(0, 1)|
    ang = torch.randn(b, device=dev) * math.radians(spread["turn_deg"]) / z
    s = torch.exp(torch.randn(b, device=dev) * spread["log_scale"] / z)
    sx = _mirror(s) if flip else s
    tx, ty = torch.randn(2, b, device=dev) * (spread["shift"] / z / math.sqrt(2)) * 2  # per axis; grid spans 2
    return _warp(x, ang, s, sx, tx, ty)


def _mirror(s):
    """The x scale with a random horizontal flip for half the images."""
    return s * torch.where(torch.rand(s.shape[0], device=s.device) < 0.5, -1.0, 1.0)


def _warp(x, ang, s, sx, tx, ty):
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([
        torch.stack([cos / sx, -sin / s, tx], 1),
        torch.stack([sin / sx, cos / s, ty], 1),
    ], 1)  # (B, 2, 3) maps output grid -> input grid
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def photometric(x, brightness=0.25, contrast=0.25):
    """x in [-1, 1]: random brightness offset and contrast gain per image."""
    b = x.shape[0]
    gain = 1 + (torch.rand(b, 1, 1, 1, device=x.device) * 2 - 1) * contrast
    off = (torch.rand(b, 1, 1, 1, device=x.device) * 2 - 1) * brightness
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return ((x - mean) * gain + mean + off).clamp(-1, 1)


def random_erase(x, p=0.5, area=(0.02, 0.15)):
    """Zero one random rectangle in a fraction p of the images (Zhong et al. 2017)."""
    b, _, h, w = x.shape
    dev = x.device
    a = torch.empty(b, device=dev).uniform_(*area) * h * w
    r = torch.empty(b, device=dev).uniform_(0.5, 2.0)
    eh = (a * r).sqrt().clamp(1, h)
    ew = (a / r).sqrt().clamp(1, w)
    y0 = torch.rand(b, device=dev) * (h - eh)
    x0 = torch.rand(b, device=dev) * (w - ew)
    ys = torch.arange(h, device=dev).view(1, h, 1)
    xs = torch.arange(w, device=dev).view(1, 1, w)
    box = ((ys >= y0.view(b, 1, 1)) & (ys < (y0 + eh).view(b, 1, 1)) &
           (xs >= x0.view(b, 1, 1)) & (xs < (x0 + ew).view(b, 1, 1)))
    box &= (torch.rand(b, device=dev) < p).view(b, 1, 1)
    return x.masked_fill(box.unsqueeze(1), 0.0)
