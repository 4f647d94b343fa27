// Depthwise KxK conv, stride 1, 'same' zero padding, on NHWC: CPU backend and oracle for
// shaders/depthwise-conv2d.wgsl (which implements the 3x3 case the model uses).
import type { DwW } from './types.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export function depthwiseConv2dRef(x: Tensor, w: DwW, relu = false): Tensor {
  const [n, h, wd, c] = nhwc(x);
  if (c !== w.c) throw new Error(`depthwiseConv2dRef: input has ${c} channels, weights expect ${w.c}`);
  const ph = (w.kh - 1) >> 1, pw = (w.kw - 1) >> 1;
  const out = tensor([n, h, wd, c]);
  const X = x.data, W = w.w, Y = out.data;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < wd; ox++) {
        const yo = ((b * h + oy) * wd + ox) * c;
        for (let ky = 0; ky < w.kh; ky++) {
          const iy = oy + ky - ph;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < w.kw; kx++) {
            const ix = ox + kx - pw;
            if (ix < 0 || ix >= wd) continue;
            const xo = ((b * h + iy) * wd + ix) * c;
            const wo = (ky * w.kw + kx) * c;
            for (let ch = 0; ch < c; ch++) Y[yo + ch] += X[xo + ch] * W[wo + ch];
          }
        }
        if (relu) for (let ch = 0; ch < c; ch++) if (Y[yo + ch] < 0) Y[yo + ch] = 0;
      }
    }
  }
  return out;
}
