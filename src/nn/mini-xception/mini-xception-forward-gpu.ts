// The mini-Xception's forward dispatches on WebGPU, described once for both GPU plans: GpuPlan
// (mini-xception-gpu.ts, classify) and SaliencyGpuPlan (saliency-gpu.ts, guided back-propagation).
// The layer sequence is the same for both; only where the activations go differs:
//
//   'rotate' (GpuPlan): three activation buffers of the largest activation each, reused in turn.
//     A module reads its input x twice (separable convs and the shortcut in the tail), so x, the
//     current intermediate and the next one must all be live:
//       x -> t (dw1) -> u (pw1) -> t (dw2) -> u (pw2) ; tail(u, x) -> t, or fused
//       x -> u (sep1, ReLU) -> t (sep2) ; tail(t, x) -> u.
//   'keep' (SaliencyGpuPlan, `keep: true`): every activation the backward pass reads has its own
//     buffer, written once: stem0's and stem1's outputs (guided-ReLU masks; stem1 is module 0's
//     input), and per module a1 (sep1's ReLU output: mask), y (the pre-pool map: arg-max) and out
//     (the next module's input); the depthwise outputs share one scratch buffer.
//
// The buffers are made here, synchronously, so a caller can bind them into its own kernels while
// the forward pipelines compile (`compiled`).
import { storageBuffer } from '../../gpu/buffers.js';
import { Conv2d } from '../../kernels/conv2d.js';
import { DepthwiseConv2d } from '../../kernels/depthwise-conv2d.js';
import { HeadGap } from '../../kernels/head-gap.js';
import { MaxpoolAdd } from '../../kernels/maxpool-add.js';
import { PointwiseConv2d } from '../../kernels/pointwise-conv2d.js';
import { SeparableConv2d } from '../../kernels/separable-conv2d.js';
import type { FoldedMiniXception } from './folded.js';
import { miniXceptionShapes } from './mini-xception-shapes.js';

/** A kernel with its bind groups made: records its dispatch for n rows. */
export interface GpuKernel {
  encode(pass: GPUComputePassEncoder, n: number): void;
  destroy(): void;
}

/** Dispatches that end at a tap: the activation after the stem or after a module. */
export interface ForwardStage {
  name: string;
  kernels: GpuKernel[];
  out: GPUBuffer;
  /** [H, W, C] of `out` per face. */
  shape: [number, number, number];
}

/** The 'keep' layout's buffers that the backward pass reads (rows faces each). */
export interface KeptBuffers {
  stem0: GPUBuffer;
  stem1: GPUBuffer;
  blocks: { a1: GPUBuffer; y: GPUBuffer; out: GPUBuffer }[];
}

export interface GpuForwardOptions {
  /** Label prefix of the buffers: `${label}.input`, ... (e.g. 'GpuPlan'). */
  label: string;
  /** Prefix of the kernels' layer names (e.g. 'sal.' gives 'sal.block0.dw1'). Default ''. */
  layerPrefix?: string;
  /** Give every activation the backward reads its own buffer ('keep'); default false ('rotate'). */
  keep?: boolean;
  /** SeparableConv2d instead of DepthwiseConv2d + PointwiseConv2d (see GpuPlanOptions). Default false. */
  fuseSeparable?: boolean;
}

export interface GpuForward {
  /** rows × S×S×C pixels 0..255 (the first conv normalises them). */
  input: GPUBuffer;
  /** rows × 2K: logits, then softmax probabilities, per row. */
  output: GPUBuffer;
  /** With `keep`: the activations the backward pass reads. */
  kept?: KeptBuffers;
  /** Every buffer made here (input, output, activations): the caller destroys them. */
  buffers: GPUBuffer[];
  /** The stages in model order and the head, once their pipelines have compiled. */
  compiled: Promise<{ stages: ForwardStage[]; head: GpuKernel }>;
}

/** Where one module's dispatches write (dw: the depthwise outputs, unused when fused). */
interface ModuleSlots {
  dw: GPUBuffer;
  a1: GPUBuffer;
  y: GPUBuffer;
  out: GPUBuffer;
}

/** Makes the forward pass's buffers for `rows` faces and starts compiling its kernels. */
export function gpuForward(device: GPUDevice, f: FoldedMiniXception, rows: number, opts: GpuForwardOptions & { keep: true }): GpuForward & { kept: KeptBuffers };
export function gpuForward(device: GPUDevice, f: FoldedMiniXception, rows: number, opts: GpuForwardOptions): GpuForward;
export function gpuForward(device: GPUDevice, f: FoldedMiniXception, rows: number, opts: GpuForwardOptions): GpuForward {
  const fuse = opts.fuseSeparable ?? false;
  const pre = opts.layerPrefix ?? '';
  const sh = miniXceptionShapes(f);
  const s = sh.size;
  const buffers: GPUBuffer[] = [];
  const buf = (name: string, floatsPerFace: number) => {
    const b = storageBuffer(device, `${opts.label}.${name}`, rows * floatsPerFace * 4);
    buffers.push(b);
    return b;
  };
  const input = buf('input', s * s * f.spec.input.channels);
  const output = buf('output', 2 * sh.k);

  let stem0: GPUBuffer, stem1: GPUBuffer;
  let slots: (i: number, x: GPUBuffer) => ModuleSlots;
  let kept: KeptBuffers | undefined;
  if (opts.keep) {
    stem0 = buf('stem0', sh.stem0 * sh.stem0 * f.stem[0].cout);
    stem1 = buf('stem1', sh.stem1 * sh.stem1 * sh.c0);
    const dw = buf('dwScratch', Math.max(...sh.blocks.map((b) => b.h * b.h * Math.max(b.cin, b.c))));
    const blocks = sh.blocks.map((b, i) => ({
      a1: buf(`block${i}.a1`, b.h * b.h * b.c),
      y: buf(`block${i}.y`, b.h * b.h * b.c),
      out: buf(`block${i}.out`, b.oh * b.oh * b.c),
    }));
    kept = { stem0, stem1, blocks };
    slots = (i) => ({ dw, ...blocks[i] });
  } else {
    const [A, B, C] = [0, 1, 2].map((i) => buf(`activation${i}`, sh.maxActivation));
    stem0 = B;
    stem1 = A;
    let t = B, u = C;
    slots = (_i, x) => {
      const o = fuse ? { dw: t, a1: u, y: t, out: u } : { dw: t, a1: u, y: u, out: t };
      [t, u] = fuse ? [t, x] : [x, u];
      return o;
    };
  }

  const stem: Promise<GpuKernel>[] = [
    Conv2d.create(device, { h: s, w: s, stride: 1, pad: 0, relu: true, inAffine: f.spec.input, name: `${pre}stem0` }, f.stem[0], { x: input, y: stem0 }),
    Conv2d.create(device, { h: sh.stem0, w: sh.stem0, stride: 1, pad: 0, relu: true, name: `${pre}stem1` }, f.stem[1], { x: stem0, y: stem1 }),
  ];
  const stages: Promise<ForwardStage>[] = [Promise.all(stem).then((kernels) => ({ name: 'stem', kernels, out: stem1, shape: [sh.stem1, sh.stem1, sh.c0] }))];
  let x = stem1;
  f.blocks.forEach((b, i) => {
    const { h, oh, c } = sh.blocks[i];
    const name = `${pre}block${i}`;
    const o = slots(i, x);
    const kernels: Promise<GpuKernel>[] = fuse ? [
      SeparableConv2d.create(device, { h, w: h, relu: true, name: `${name}.sep1` }, b.dw1, b.pw1, { x, y: o.a1 }),
      SeparableConv2d.create(device, { h, w: h, relu: false, name: `${name}.sep2` }, b.dw2, b.pw2, { x: o.a1, y: o.y }),
    ] : [
      DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw1` }, b.dw1, { x, y: o.dw }),
      PointwiseConv2d.create(device, { hw: h * h, relu: true, name: `${name}.pw1` }, b.pw1, { x: o.dw, y: o.a1 }),
      DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw2` }, b.dw2, { x: o.a1, y: o.dw }),
      PointwiseConv2d.create(device, { hw: h * h, relu: false, name: `${name}.pw2` }, b.pw2, { x: o.dw, y: o.y }),
    ];
    kernels.push(MaxpoolAdd.create(device, { h, w: h, c, name: `${name}.tail` }, { y: o.y, x, shortcut: b.shortcut, out: o.out }));
    stages.push(Promise.all(kernels).then((ks) => ({ name: `block${i}`, kernels: ks, out: o.out, shape: [oh, oh, c] })));
    x = o.out;
  });
  const last = sh.blocks[sh.blocks.length - 1];
  const head = HeadGap.create(device, { h: last.oh, w: last.oh, name: `${pre}head` }, f.head, { x, out: output });
  // All pipelines compile in parallel (createComputePipelineAsync behind each create).
  const compiled = Promise.all([Promise.all(stages), head]).then(([st, hd]) => ({ stages: st, head: hd }));
  return { input, output, kept, buffers, compiled };
}
