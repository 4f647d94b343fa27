// Input gradient of the dense KxK conv2d (conv2d.ref.ts) on NHWC: given g = dL/dy [N,OH,OW,Cout],
// dL/dx [N,H,W,Cin] = sum over the taps that read x[iy,ix] of w[ky,kx,ci,co] * g[oy,ox,co]
// (the transposed convolution). The bias has no input gradient, and folded BN is part of w.
// The input affine of the first stem conv is not applied: saliency is taken w.r.t. the normalised
// input, as training/golden.py does. CPU backend and oracle for shaders/conv2d-backward.wgsl.
import type { ConvW } from './types.js';
import { convOutSize } from './conv2d.ref.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export interface Conv2dBackwardOpts {
  /** Forward input H, W (the output size alone is ambiguous for stride > 1). */
  h: number;
  w: number;
  stride: number;
  pad: number;
}

export function conv2dBackwardRef(g: Tensor, w: ConvW, o: Conv2dBackwardOpts): Tensor {
  const [n, oh, ow, cout] = nhwc(g);
  const { kh, kw, cin } = w;
  if (cout !== w.cout) throw new Error(`conv2dBackwardRef: gradient has ${cout} channels, weights give ${w.cout}`);
  const eh = convOutSize(o.h, kh, o.stride, o.pad), ew = convOutSize(o.w, kw, o.stride, o.pad);
  if (eh !== oh || ew !== ow) throw new Error(`conv2dBackwardRef: gradient is ${oh}x${ow}, a ${o.h}x${o.w} input gives ${eh}x${ew}`);
  const out = tensor([n, o.h, o.w, cin]);
  const G = g.data, W = w.w, X = out.data;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const go = ((b * oh + oy) * ow + ox) * cout;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * o.stride + ky - o.pad;
          if (iy < 0 || iy >= o.h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * o.stride + kx - o.pad;
            if (ix < 0 || ix >= o.w) continue;
            const xo = ((b * o.h + iy) * o.w + ix) * cin;
            const wo = (ky * kw + kx) * cin * cout;
            for (let ci = 0; ci < cin; ci++) {
              let s = 0;
              for (let co = 0; co < cout; co++) s += W[wo + ci * cout + co] * G[go + co];
              X[xo + ci] += s;
            }
          }
        }
      }
    }
  }
  return out;
}

/** [N,H,W,C] → [N,H,W,1]: the sum over channels (an RGB model's saliency map, as golden.py sums it). */
export function sumChannelsRef(x: Tensor): Tensor {
  const [n, h, w, c] = nhwc(x);
  const out = tensor([n, h, w, 1]);
  for (let p = 0; p < n * h * w; p++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += x.data[p * c + j];
    out.data[p] = s;
  }
  return out;
}
