"""Batch augmentation on whatever device the batch lives on (one affine warp per batch, no
per-image Python loop), so the same code is fast on 2 CPU cores and on a GPU."""
import math

import torch
import torch.nn.functional as F


def random_affine(x, rot_deg=15.0, scale=(0.85, 1.15), shift=0.1, flip=True):
    """x: (B, C, H, W) float. Rotation, zoom, translation and horizontal flip, border-replicated."""
    b = x.shape[0]
    dev = x.device
    ang = (torch.rand(b, device=dev) * 2 - 1) * math.radians(rot_deg)
    s = torch.empty(b, device=dev).uniform_(*scale)
    sx = s * torch.where(torch.rand(b, device=dev) < 0.5, -1.0, 1.0) if flip else s
    tx, ty = ((torch.rand(2, b, device=dev) * 2 - 1) * shift * 2)  # grid units span 2
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
