// Input gradient of the depthwise KxK conv, stride 1, 'same' zero padding (depthwise-conv2d.ref.ts):
// dL/dx[iy,ix,c] = sum over taps of w[ky,kx,c] * g[iy-ky+p, ix-kx+p, c], i.e. the same depthwise
// conv with the kernel rotated by 180°. CPU backend and oracle for shaders/depthwise-conv2d-backward.wgsl.
import type { DwW } from './types.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export function depthwiseConv2dBackwardRef(g: Tensor, w: DwW): Tensor {
  const [n, h, wd, c] = nhwc(g);
  if (c !== w.c) throw new Error(`depthwiseConv2dBackwardRef: gradient has ${c} channels, weights expect ${w.c}`);
  const ph = (w.kh - 1) >> 1, pw = (w.kw - 1) >> 1;
  const out = tensor([n, h, wd, c]);
  const G = g.data, W = w.w, X = out.data;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < wd; ox++) {
        const go = ((b * h + oy) * wd + ox) * c;
        for (let ky = 0; ky < w.kh; ky++) {
          const iy = oy + ky - ph;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < w.kw; kx++) {
            const ix = ox + kx - pw;
            if (ix < 0 || ix >= wd) continue;
            const xo = ((b * h + iy) * wd + ix) * c;
            const wo = (ky * w.kw + kx) * c;
            for (let ch = 0; ch < c; ch++) X[xo + ch] += W[wo + ch] * G[go + ch];
          }
        }
      }
    }
  }
  return out;
}
