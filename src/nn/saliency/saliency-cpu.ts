// Guided back-propagation saliency on the CPU: the classifier's forward refs with every activation
// the backward needs kept (cpuForwardKeep, mini-xception-cpu.ts), then the *-backward refs in
// reverse model order. Mirrors saliency-gpu.ts step for step, and is the CPU backend of
// src/nn/saliency/saliency.ts.
import { conv2dBackwardRef, sumChannelsRef } from '../../kernels/conv2d-backward.ref.js';
import { depthwiseConv2dBackwardRef } from '../../kernels/depthwise-conv2d-backward.ref.js';
import { type Targets, headGapBackwardRef, selectLogitsRef } from '../../kernels/head-gap-backward.ref.js';
import { softmaxRef } from '../../kernels/head-gap.ref.js';
import { addRef, maxpoolBackwardRef } from '../../kernels/maxpool-add-backward.ref.js';
import { pointwiseConv2dBackwardRef } from '../../kernels/pointwise-conv2d-backward.ref.js';
import { guidedReluBackwardRef } from '../../kernels/relu-backward.ref.js';
import { type Tensor, tensor } from '../../kernels/tensor.js';
import type { FoldedMiniXception } from '../mini-xception/folded.js';
import { type CpuActivations, cpuForward, cpuForwardKeep } from '../mini-xception/mini-xception-cpu.js';

/** What the backward pass reads from the forward pass (cpuForwardKeep's activations). */
export type KeptActivations = CpuActivations;

/** The forward pass of n faces of 0..255 pixels (NHWC), keeping what the backward needs. */
export function forwardKeep(f: FoldedMiniXception, pixels: ArrayLike<number>, n: number): KeptActivations {
  const s = f.spec.input.size, ch = f.spec.input.channels;
  return cpuForwardKeep(f, tensor([n, s, s, ch], Float32Array.from({ length: n * s * s * ch }, (_, i) => pixels[i])));
}

/**
 * d logit / d normalised input under guided ReLU, for one-hot logit gradients gLogits [n, K], from
 * the kept activations. Returns [n, S, S, 1] (colour inputs summed over channels).
 */
export function backwardFromLogits(f: FoldedMiniXception, kept: KeptActivations, gLogits: Float32Array, n: number): Tensor {
  const s = f.spec.input.size;
  const last = kept.blocks[kept.blocks.length - 1];
  const side = Math.floor((last.y.shape[1] - 1) / 2) + 1;
  let g = headGapBackwardRef(gLogits, f.head, n, side, side);
  for (let i = f.blocks.length - 1; i >= 0; i--) {
    const b = f.blocks[i], k = kept.blocks[i];
    const h = k.x.shape[1];
    const gy = maxpoolBackwardRef(g, k.y);
    const gp1 = guidedReluBackwardRef(depthwiseConv2dBackwardRef(pointwiseConv2dBackwardRef(gy, b.pw2), b.dw2), k.a1);
    const gMain = depthwiseConv2dBackwardRef(pointwiseConv2dBackwardRef(gp1, b.pw1), b.dw1);
    const gShort = conv2dBackwardRef(g, b.shortcut, { h, w: h, stride: 2, pad: 0 });
    g = addRef(gMain, gShort);
  }
  g = guidedReluBackwardRef(g, kept.stem1);
  g = guidedReluBackwardRef(conv2dBackwardRef(g, f.stem[1], { h: s - 2, w: s - 2, stride: 1, pad: 0 }), kept.stem0);
  g = conv2dBackwardRef(g, f.stem[0], { h: s, w: s, stride: 1, pad: 0 });
  return f.spec.input.channels > 1 ? sumChannelsRef(g) : g;
}

export interface SaliencyOutput {
  /** [n, S, S]: d logit_target / d normalised input (summed over colour channels). */
  maps: Float32Array;
  /** [n, K] softmax probabilities (flip-averaged when `flip`). */
  probs: Float32Array;
  /** [n, K] raw logits of the unflipped crops. */
  logits: Float32Array;
  /** [n] the class each map explains. */
  targets: Int32Array;
}

/** Mirrors each face of n S×S×C NHWC images left-right. */
export function mirrorFaces(pixels: ArrayLike<number>, n: number, s: number, c: number): Float32Array {
  const out = new Float32Array(n * s * s * c);
  for (let f = 0; f < n; f++) {
    for (let y = 0; y < s; y++) {
      const row = (f * s + y) * s;
      for (let x = 0; x < s; x++) for (let j = 0; j < c; j++) out[(row + x) * c + j] = pixels[(row + s - 1 - x) * c + j];
    }
  }
  return out;
}

/**
 * Whole saliency call on the CPU. targets[i] ≥ 0 picks class targets[i] for face i; -1 the
 * predicted class (arg-max of `probs`). `flip` averages the probabilities with the mirrored crops'
 * (the classifier's flip TTA), so 'predicted' agrees with classify(); the map is of the crop itself.
 */
export function cpuSaliency(f: FoldedMiniXception, pixels: ArrayLike<number>, n: number, targets: Targets, flip: boolean): SaliencyOutput {
  const k = f.head.cout, s = f.spec.input.size, c = f.spec.input.channels;
  const kept = forwardKeep(f, pixels, n);
  const probs = softmaxRef(kept.logits, k);
  if (flip) {
    const m = cpuForward(f, mirrorFaces(pixels, n, s, c), n); // [n, 2K]: logits, probs
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) probs[i * k + j] = 0.5 * (probs[i * k + j] + m[i * 2 * k + k + j]);
  }
  const { gLogits, chosen } = selectLogitsRef(probs, targets, n, k);
  const maps = backwardFromLogits(f, kept, gLogits, n).data;
  return { maps, probs, logits: kept.logits, targets: chosen };
}
