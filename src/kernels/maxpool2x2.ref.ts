// 2x2/2 max-pool, no padding, floor mode, on NHWC: CPU backend and oracle for shaders/maxpool2x2.wgsl.
import { type Tensor, nhwc, tensor } from './tensor.js';

export function maxpool2x2Ref(x: Tensor): Tensor {
  const [n, h, w, c] = nhwc(x);
  const oh = Math.floor(h / 2), ow = Math.floor(w / 2);
  const out = tensor([n, oh, ow, c]);
  const X = x.data, Y = out.data;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const a = ((b * h + 2 * oy) * w + 2 * ox) * c, d = a + w * c;
        const o = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) Y[o + ch] = Math.max(X[a + ch], X[a + c + ch], X[d + ch], X[d + c + ch]);
      }
    }
  }
  return out;
}
