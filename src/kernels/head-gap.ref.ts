// Classifier head on NHWC: conv KxK 'same' + bias, global average pool -> logits [N,K]; and a
// row-wise softmax. CPU backend and oracle for shaders/head-gap.wgsl.
import type { ConvW } from './types.js';
import { conv2dRef } from './conv2d.ref.js';
import { type Tensor, nhwc } from './tensor.js';

export function headGapRef(x: Tensor, head: ConvW): Float32Array {
  const y = conv2dRef(x, head, { stride: 1, pad: (head.kh - 1) >> 1, relu: false });
  const [n, h, w, k] = nhwc(y);
  const out = new Float32Array(n * k);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < hw; p++) {
      const o = (b * hw + p) * k;
      for (let j = 0; j < k; j++) out[b * k + j] += y.data[o + j];
    }
    for (let j = 0; j < k; j++) out[b * k + j] /= hw;
  }
  return out;
}

/** Softmax of each row of an [N,K] array (max-subtracted, so large logits don't overflow). */
export function softmaxRef(logits: Float32Array, k: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let o = 0; o < logits.length; o += k) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[o + j]);
    let z = 0;
    for (let j = 0; j < k; j++) z += (out[o + j] = Math.exp(logits[o + j] - m));
    for (let j = 0; j < k; j++) out[o + j] /= z;
  }
  return out;
}
