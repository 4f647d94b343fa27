// Backward of the classifier head (head-gap.ref.ts: conv KxK 'same' + bias → global average pool →
// logits), starting from a logit selection:
// - logit selection: the saliency of class t is d logit_t / d input, so the logit gradient is the
//   one-hot vector e_t. Softmax is not differentiated: the map explains the class score (logit),
//   as training/golden.py and Simonyan et al. 2014 do; the probabilities only choose the
//   'predicted' target (their arg-max, the same as the logits' arg-max without flip TTA).
// - global average pool: dL/dy[n,y,x,k] = dL/dlogit[n,k] / (H*W).
// - head conv: its input gradient (conv2d-backward.ref.ts), pad (K-1)/2.
// CPU backend and oracle for shaders/head-gap-backward.wgsl (which folds all three into the
// effective weights of head-gap.ts: dL/dx = sum_k dL/dlogit_k * weff[k]).
import type { ConvW } from './types.js';
import { conv2dBackwardRef } from './conv2d-backward.ref.js';
import { type Tensor, tensor } from './tensor.js';

/** A per-face target class, or -1 for 'the predicted class'. */
export type Targets = ArrayLike<number>;

/** Index of the first maximum of row i of an [N,K] array (ties: the lowest class index). */
export function argmaxRow(a: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (a[i * k + j] > a[i * k + best]) best = j;
  return best;
}

/**
 * One-hot logit gradients [N,K] and the chosen class per face: targets[i] when it is ≥ 0, else the
 * arg-max of probs row i (the probabilities the caller reports: flip-averaged or not).
 */
export function selectLogitsRef(probs: ArrayLike<number>, targets: Targets, n: number, k: number): { gLogits: Float32Array; chosen: Int32Array } {
  const gLogits = new Float32Array(n * k);
  const chosen = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = targets[i] ?? -1;
    if (t >= k) throw new Error(`selectLogitsRef: target ${t} of face ${i} is not one of ${k} classes`);
    chosen[i] = t >= 0 ? t : argmaxRow(probs, i, k);
    gLogits[i * k + chosen[i]] = 1;
  }
  return { gLogits, chosen };
}

/** dL/dy [N,H,W,K] of y = head conv output, from dL/dlogits [N,K] through the mean over H*W. */
export function gapBackwardRef(gLogits: Float32Array, n: number, h: number, w: number, k: number): Tensor {
  const out = tensor([n, h, w, k]);
  const inv = 1 / (h * w);
  for (let b = 0; b < n; b++) for (let p = 0; p < h * w; p++) for (let j = 0; j < k; j++) out.data[(b * h * w + p) * k + j] = gLogits[b * k + j] * inv;
  return out;
}

/** dL/dx [N,H,W,C] of the head's input, from dL/dlogits [N,K]. */
export function headGapBackwardRef(gLogits: Float32Array, head: ConvW, n: number, h: number, w: number): Tensor {
  const gy = gapBackwardRef(gLogits, n, h, w, head.cout);
  return conv2dBackwardRef(gy, head, { h, w, stride: 1, pad: (head.kh - 1) >> 1 });
}
