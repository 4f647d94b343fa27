// out = skip + nearest-2x-upsample(x) on NHWC (ONNX Resize nearest, asymmetric, floor, scale 2):
// CPU backend and oracle for shaders/upsample-add.wgsl.
import { type Tensor, nhwc, tensor } from './tensor.js';

export function upsampleAddRef(skip: Tensor, x: Tensor): Tensor {
  const [n, h, w, c] = nhwc(skip);
  const [xn, uh, uw, xc] = nhwc(x);
  if (xn !== n || xc !== c || uh * 2 !== h || uw * 2 !== w) {
    throw new Error(`upsampleAddRef: x [${x.shape}] is not half of skip [${skip.shape}]`);
  }
  const out = tensor([n, h, w, c], skip.data.slice());
  const X = x.data, O = out.data;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const o = ((b * h + y) * w + xx) * c;
        const s = ((b * uh + (y >> 1)) * uw + (xx >> 1)) * c;
        for (let ch = 0; ch < c; ch++) O[o + ch] += X[s + ch];
      }
    }
  }
  return out;
}
