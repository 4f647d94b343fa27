// Pointwise 1x1 conv on NHWC (per-pixel matmul over channels) + bias + optional ReLU: CPU backend
// and oracle for shaders/pointwise-conv2d.wgsl.
import type { PwW } from './types.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export function pointwiseConv2dRef(x: Tensor, w: PwW, relu = false): Tensor {
  const [n, h, wd, cin] = nhwc(x);
  if (cin !== w.cin) throw new Error(`pointwiseConv2dRef: input has ${cin} channels, weights expect ${w.cin}`);
  const cout = w.cout;
  const out = tensor([n, h, wd, cout]);
  const X = x.data, W = w.w, Y = out.data;
  const pixels = n * h * wd;
  for (let px = 0; px < pixels; px++) {
    const xo = px * cin, yo = px * cout;
    for (let co = 0; co < cout; co++) Y[yo + co] = w.b[co];
    for (let ci = 0; ci < cin; ci++) {
      const v = X[xo + ci];
      const wo = ci * cout;
      for (let co = 0; co < cout; co++) Y[yo + co] += v * W[wo + co];
    }
    if (relu) for (let co = 0; co < cout; co++) if (Y[yo + co] < 0) Y[yo + co] = 0;
  }
  return out;
}
