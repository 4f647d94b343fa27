"""Camera-like degradations of a training batch, on whatever device it lives on (no per-image Python
loop): few pixels (down- and up-scaling), blur, colour casts and exposure, JPEG blocks. Webcam and
phone frames differ from curated photos in exactly these, and the gender crops in the wild showed it.

x: (B, C, H, W) in [-1, 1] (training/model.py normalise); each effect hits a random subset of images.
"""
import math

import torch
import torch.nn.functional as F

# JPEG's luminance quantisation table (ITU T.81, Annex K), scaled by quality below.
_Q = torch.tensor([
    [16, 11, 10, 16, 24, 40, 51, 61], [12, 12, 14, 19, 26, 58, 60, 55], [14, 13, 16, 24, 40, 57, 69, 56],
    [14, 17, 22, 29, 51, 87, 80, 62], [18, 22, 37, 56, 68, 109, 103, 77], [24, 35, 55, 64, 81, 104, 113, 92],
    [49, 64, 78, 87, 103, 121, 120, 101], [72, 92, 95, 98, 112, 100, 103, 99]], dtype=torch.float32)


def _dct_matrix(n=8, device=None):
    k = torch.arange(n, dtype=torch.float32, device=device)
    d = torch.cos(math.pi * (2 * k[None, :] + 1) * k[:, None] / (2 * n)) * math.sqrt(2 / n)
    d[0] /= math.sqrt(2)
    return d  # orthonormal: d @ d.T = I


def _mask(b, p, device):
    return (torch.rand(b, device=device) < p).view(b, 1, 1, 1)


def low_resolution(x, p, lo=16):
    """Down to one random size in [lo, H) for the batch, back up bilinearly, for a fraction p."""
    b, _, h, w = x.shape
    s = int(torch.randint(lo, h, (1,)))
    y = F.interpolate(F.interpolate(x, size=(s, s * w // h), mode="area"), size=(h, w), mode="bilinear", align_corners=False)
    return torch.where(_mask(b, p, x.device), y, x)


def blur(x, p, sigma=(0.3, 1.2)):
    b, c, _, _ = x.shape
    s = float(torch.empty(1).uniform_(*sigma))
    r = torch.arange(-2, 3, dtype=x.dtype, device=x.device)
    k = torch.exp(-r ** 2 / (2 * s * s))
    k = k / k.sum()
    y = F.pad(x, (2, 2, 2, 2), mode="replicate")
    y = F.conv2d(y, k.view(1, 1, 1, 5).repeat(c, 1, 1, 1), groups=c)
    y = F.conv2d(y, k.view(1, 1, 5, 1).repeat(c, 1, 1, 1), groups=c)
    return torch.where(_mask(b, p, x.device), y, x)


def colour_and_exposure(x, p, cast=0.2, gamma_sigma=0.3):
    """Per-image white-balance gains (colour only) and gamma, for a fraction p."""
    b, c, _, _ = x.shape
    u = (x + 1) / 2
    gains = 1 + (torch.rand(b, c, 1, 1, device=x.device) * 2 - 1) * (cast if c == 3 else 0)
    gamma = torch.exp(torch.randn(b, 1, 1, 1, device=x.device) * gamma_sigma)
    y = (u.clamp(1e-4, 1) ** gamma * gains).clamp(0, 1) * 2 - 1
    return torch.where(_mask(b, p, x.device), y, x)


def jpeg_blocks(x, p, quality=(20, 80)):
    """8x8 block DCT quantised with JPEG's table at one random quality for the batch (sizes a multiple of 8)."""
    b, c, h, w = x.shape
    if h % 8 or w % 8:
        return x
    q = float(torch.randint(quality[0], quality[1] + 1, (1,)))
    scale = 5000 / q if q < 50 else 200 - 2 * q
    table = ((_Q.to(x.device) * scale + 50) / 100).floor().clamp(min=1) / 127.5  # in [-1, 1] units
    d = _dct_matrix(8, x.device)
    blocks = x.reshape(b, c, h // 8, 8, w // 8, 8).permute(0, 1, 2, 4, 3, 5)  # (B,C,h8,w8,8,8)
    coef = d @ blocks @ d.T
    coef = torch.round(coef / table) * table
    y = (d.T @ coef @ d).permute(0, 1, 2, 4, 3, 5).reshape(b, c, h, w).clamp(-1, 1)
    return torch.where(_mask(b, p, x.device), y, x)


def camera(x, p=0.5):
    """All of the above, each on a fraction p of the batch, in the order a camera applies them."""
    x = colour_and_exposure(x, p)
    x = blur(x, p)
    x = low_resolution(x, p)
    return jpeg_blocks(x, p)


if __name__ == "__main__":  # self-check: identities where an effect is off, bounded changes where on
    torch.manual_seed(0)
    x = torch.rand(8, 3, 64, 64) * 2 - 1
    assert torch.equal(camera(x, 0.0), x)
    d = _dct_matrix()
    assert torch.allclose(d @ d.T, torch.eye(8), atol=1e-5)
    y = jpeg_blocks(x, 1.0, (95, 95))
    assert (y - x).abs().mean() < 0.05, (y - x).abs().mean()
    y = camera(x, 1.0)
    assert y.shape == x.shape and y.min() >= -1 and y.max() <= 1 and not torch.equal(y, x)
    print("camera_aug: ok")
