// The CPU plan of the mini-Xception: the *.ref.ts kernels chained in model order. cpuForwardKeep is
// the one description of that order on the CPU: cpuForward (classify) and the CPU saliency
// (saliency-cpu.ts, whose backward reads the activations it returns) both run it.
import { conv2dRef } from '../../kernels/conv2d.ref.js';
import { depthwiseConv2dRef } from '../../kernels/depthwise-conv2d.ref.js';
import { headGapRef, softmaxRef } from '../../kernels/head-gap.ref.js';
import { maxpoolShortcutAddRef } from '../../kernels/maxpool-add.ref.js';
import { pointwiseConv2dRef } from '../../kernels/pointwise-conv2d.ref.js';
import { type Tensor, tensor } from '../../kernels/tensor.js';
import type { FoldedMiniXception } from './folded.js';

/** Every activation of a forward pass (what the saliency backward reads, and the taps), and the logits. */
export interface CpuActivations {
  /** ReLU outputs of stem conv 0 and 1 (stem1 is module 0's input, the 'stem' tap). */
  stem0: Tensor;
  stem1: Tensor;
  /** Per module: x its input, a1 the ReLU output of sep1, y the pre-pool sep2 output, out its output (the 'block<i>' tap). */
  blocks: { x: Tensor; a1: Tensor; y: Tensor; out: Tensor }[];
  /** [n, K] raw logits. */
  logits: Float32Array;
}

/** The forward pass of x0 ([n, S, S, C] pixels 0..255, NHWC), keeping every activation. */
export function cpuForwardKeep(f: FoldedMiniXception, x0: Tensor): CpuActivations {
  const stem0 = conv2dRef(x0, f.stem[0], { stride: 1, pad: 0, relu: true, inScale: f.spec.input.scale, inOffset: f.spec.input.offset });
  const stem1 = conv2dRef(stem0, f.stem[1], { stride: 1, pad: 0, relu: true });
  let x = stem1;
  const blocks = f.blocks.map((b) => {
    const a1 = pointwiseConv2dRef(depthwiseConv2dRef(x, b.dw1), b.pw1, true);
    const y = pointwiseConv2dRef(depthwiseConv2dRef(a1, b.dw2), b.pw2, false);
    const out = maxpoolShortcutAddRef(y, x, b.shortcut);
    const kept = { x, a1, y, out };
    x = out;
    return kept;
  });
  return { stem0, stem1, blocks, logits: headGapRef(x, f.head) };
}

/**
 * Forward pass of n faces of 0..255 pixels (n*S*S*C, NHWC, C = spec.input.channels). Returns [n, 2K]: logits, then
 * softmax probabilities, per face (the GPU plan's layout). `taps` receives the activations after
 * the stem ('stem') and after each module ('block0'..).
 */
export function cpuForward(f: FoldedMiniXception, pixels: Float32Array, n: number, taps?: Map<string, Tensor>): Float32Array {
  const s = f.spec.input.size, ch = f.spec.input.channels;
  const a = cpuForwardKeep(f, tensor([n, s, s, ch], pixels.subarray(0, n * s * s * ch)));
  taps?.set('stem', a.stem1);
  a.blocks.forEach((b, i) => taps?.set(`block${i}`, b.out));
  const k = f.head.cout;
  const probs = softmaxRef(a.logits, k);
  const out = new Float32Array(n * 2 * k);
  for (let i = 0; i < n; i++) {
    out.set(a.logits.subarray(i * k, (i + 1) * k), i * 2 * k);
    out.set(probs.subarray(i * k, (i + 1) * k), i * 2 * k + k);
  }
  return out;
}
