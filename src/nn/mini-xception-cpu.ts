// The CPU plan of the mini-Xception: the *.ref.ts kernels chained in model order.
import { conv2dRef } from '../kernels/conv2d.ref.js';
import { depthwiseConv2dRef } from '../kernels/depthwise-conv2d.ref.js';
import { headGapRef, softmaxRef } from '../kernels/head-gap.ref.js';
import { maxpoolShortcutAddRef } from '../kernels/maxpool-add.ref.js';
import { pointwiseConv2dRef } from '../kernels/pointwise-conv2d.ref.js';
import { type Tensor, tensor } from '../kernels/tensor.js';
import type { FoldedMiniXception } from './folded.js';

/**
 * Forward pass of n faces of 0..255 pixels (n*S*S*C, NHWC, C = spec.input.channels). Returns [n, 2K]: logits, then
 * softmax probabilities, per face (the GPU plan's layout). `taps` receives the activations after
 * the stem ('stem') and after each module ('block0'..).
 */
export function cpuForward(f: FoldedMiniXception, pixels: Float32Array, n: number, taps?: Map<string, Tensor>): Float32Array {
  const s = f.spec.input.size, ch = f.spec.input.channels;
  let x = tensor([n, s, s, ch], pixels.subarray(0, n * s * s * ch));
  x = conv2dRef(x, f.stem[0], { stride: 1, pad: 0, relu: true, inScale: f.spec.input.scale, inOffset: f.spec.input.offset });
  x = conv2dRef(x, f.stem[1], { stride: 1, pad: 0, relu: true });
  taps?.set('stem', x);
  f.blocks.forEach((b, i) => {
    let y = pointwiseConv2dRef(depthwiseConv2dRef(x, b.dw1), b.pw1, true);
    y = pointwiseConv2dRef(depthwiseConv2dRef(y, b.dw2), b.pw2, false);
    x = maxpoolShortcutAddRef(y, x, b.shortcut);
    taps?.set(`block${i}`, x);
  });
  const k = f.head.cout;
  const logits = headGapRef(x, f.head);
  const probs = softmaxRef(logits, k);
  const out = new Float32Array(n * 2 * k);
  for (let i = 0; i < n; i++) {
    out.set(logits.subarray(i * k, (i + 1) * k), i * 2 * k);
    out.set(probs.subarray(i * k, (i + 1) * k), i * 2 * k + k);
  }
  return out;
}
