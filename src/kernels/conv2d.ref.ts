// Dense KxK conv2d on NHWC tensors: the CPU backend and the oracle for shaders/conv2d.wgsl.
import type { ConvW } from './types.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export interface Conv2dOpts {
  stride: number;
  pad: number;
  relu: boolean;
  /** Input affine x * scale + offset applied to in-bounds taps (pixel normalisation); default identity. */
  inScale?: number;
  inOffset?: number;
}

export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

export function conv2dRef(x: Tensor, w: ConvW, o: Conv2dOpts): Tensor {
  const [n, h, wd, cin] = nhwc(x);
  if (cin !== w.cin) throw new Error(`conv2dRef: input has ${cin} channels, weights expect ${w.cin}`);
  const { kh, kw, cout } = w;
  const oh = convOutSize(h, kh, o.stride, o.pad);
  const ow = convOutSize(wd, kw, o.stride, o.pad);
  const out = tensor([n, oh, ow, cout]);
  const X = x.data, W = w.w, Y = out.data;
  const sc = o.inScale ?? 1, off = o.inOffset ?? 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yo = ((b * oh + oy) * ow + ox) * cout;
        for (let co = 0; co < cout; co++) Y[yo + co] = w.b[co];
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * o.stride + ky - o.pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * o.stride + kx - o.pad;
            if (ix < 0 || ix >= wd) continue;
            const xo = ((b * h + iy) * wd + ix) * cin;
            const wo = (ky * kw + kx) * cin * cout;
            for (let ci = 0; ci < cin; ci++) {
              const v = X[xo + ci] * sc + off;
              const wr = wo + ci * cout;
              for (let co = 0; co < cout; co++) Y[yo + co] += v * W[wr + co];
            }
          }
        }
        if (o.relu) for (let co = 0; co < cout; co++) if (Y[yo + co] < 0) Y[yo + co] = 0;
      }
    }
  }
  return out;
}
