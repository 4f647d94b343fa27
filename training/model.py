"""mini-Xception (Arriaga et al. 2017, "Real-time Convolutional Neural Networks for Emotion and
Gender Classification"), the network every emolens classifier uses.

Block names mirror the WGSL kernels in src/kernels: a SeparableConv is a depthwise 3x3 followed by
a pointwise 1x1, exactly as the browser runs it. Tensor names of the state_dict are the contract
with the TypeScript loader (src/nn/mini-xception/weights.ts); change them in both places or neither.

Deviations from the paper's Keras model (all documented in the model card):
- PyTorch max-pool uses symmetric padding 1 where Keras 'same' pads only bottom/right on even maps;
  for 44/22/11/6 maps this shifts windows by at most one pixel at the border.
- No L2 weight regulariser on kernels; AdamW/SGD weight decay plays that role.
- `width` multiplies every channel count (1 = the paper's 8/16/32/64/128).
"""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    in_channels: int = 1  # grayscale faces, as FER-2013 ships them
    num_classes: int = 7  # FER-2013 order: angry disgust fear happy sad surprise neutral
    input_size: int = 48  # H = W of the face crop
    stem: int = 8  # filters of the two 3x3 stem convs
    widths: tuple = (16, 32, 64, 128)  # output channels of the four residual modules

    def scaled(self, mult: float) -> "ModelConfig":
        s = lambda c: int(round(c * mult))
        return ModelConfig(self.in_channels, self.num_classes, self.input_size,
                           s(self.stem), tuple(s(w) for w in self.widths))


class ConvBN(nn.Module):
    """conv (no bias) + batchnorm; BN folds into the conv at load time in the browser."""

    def __init__(self, cin, cout, k, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class SeparableConv(nn.Module):
    """depthwise 3x3 (same padding) then pointwise 1x1, both without bias (Keras SeparableConv2D)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class ResidualModule(nn.Module):
    """sep-conv, BN, ReLU, sep-conv, BN, 3x3/2 max-pool; plus a 1x1/2 conv+BN shortcut."""

    def __init__(self, cin, cout):
        super().__init__()
        self.shortcut = ConvBN(cin, cout, 1, stride=2)
        self.sep1 = SeparableConv(cin, cout)
        self.bn1 = nn.BatchNorm2d(cout)
        self.sep2 = SeparableConv(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act = F.relu  # swapped for guided ReLU by golden.py

    def forward(self, x):  # x: (B, Cin, H, W)
        r = self.shortcut(x)  # (B, C, ceil(H/2), ceil(W/2))
        y = self.act(self.bn1(self.sep1(x)))  # (B, C, H, W)
        y = self.bn2(self.sep2(y))
        y = F.max_pool2d(y, 3, 2, 1)  # (B, C, ceil(H/2), ceil(W/2))
        return y + r


class MiniXception(nn.Module):
    def __init__(self, cfg: ModelConfig = ModelConfig()):
        super().__init__()
        self.cfg = cfg
        self.stem = nn.ModuleList([ConvBN(cfg.in_channels, cfg.stem, 3), ConvBN(cfg.stem, cfg.stem, 3)])
        chans = (cfg.stem,) + tuple(cfg.widths)
        self.blocks = nn.ModuleList([ResidualModule(a, b) for a, b in zip(chans[:-1], chans[1:])])
        self.head = nn.Conv2d(chans[-1], cfg.num_classes, 3, padding=1)  # conv to classes, with bias
        self.act = F.relu  # swapped for guided ReLU by golden.py

    def forward(self, x, taps=None):  # x: (B, Cin, S, S), already normalised
        for conv in self.stem:  # 'valid' 3x3 convs: 48 -> 46 -> 44
            x = self.act(conv(x))
        if taps is not None:
            taps["stem"] = x
        for i, block in enumerate(self.blocks):  # 44 -> 22 -> 11 -> 6 -> 3
            x = block(x)
            if taps is not None:
                taps[f"block{i}"] = x
        x = self.head(x)  # (B, classes, 3, 3)
        return x.mean(dim=(2, 3))  # global average pooling -> logits (B, classes)


def normalise(pixels_u8: torch.Tensor) -> torch.Tensor:
    """uint8 [0,255] -> [-1, 1], the preprocessing the browser applies (see emotion.json)."""
    return pixels_u8.float() * (2.0 / 255.0) - 1.0


def count_flops(cfg: ModelConfig) -> int:
    """Multiply-adds x2 of one forward pass, for the benchmarks' roofline maths."""
    s = cfg.input_size
    flops = 0
    s -= 2; flops += 2 * s * s * cfg.in_channels * cfg.stem * 9
    s -= 2; flops += 2 * s * s * cfg.stem * cfg.stem * 9
    cin = cfg.stem
    for c in cfg.widths:
        flops += 2 * s * s * (cin * 9 + cin * c) + 2 * s * s * (c * 9 + c * c)
        s = (s + 1) // 2
        flops += 2 * s * s * cin * c
        cin = c
    flops += 2 * s * s * cin * cfg.num_classes * 9
    return flops
