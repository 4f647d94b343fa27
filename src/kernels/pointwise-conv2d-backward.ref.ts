// Input gradient of the pointwise 1x1 conv (pointwise-conv2d.ref.ts): per pixel,
// dL/dx[ci] = sum_co w[ci,co] * g[co] (a matmul with W transposed; the bias has no input gradient).
// CPU backend and oracle for PointwiseConv2dBackward (the forward kernel on transposed weights).
import type { PwW } from './types.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export function pointwiseConv2dBackwardRef(g: Tensor, w: PwW): Tensor {
  const [n, h, wd, cout] = nhwc(g);
  if (cout !== w.cout) throw new Error(`pointwiseConv2dBackwardRef: gradient has ${cout} channels, weights give ${w.cout}`);
  const cin = w.cin;
  const out = tensor([n, h, wd, cin]);
  const G = g.data, W = w.w, X = out.data;
  for (let px = 0; px < n * h * wd; px++) {
    const go = px * cout, xo = px * cin;
    for (let ci = 0; ci < cin; ci++) {
      let s = 0;
      for (let co = 0; co < cout; co++) s += W[ci * cout + co] * G[go + co];
      X[xo + ci] = s;
    }
  }
  return out;
}
