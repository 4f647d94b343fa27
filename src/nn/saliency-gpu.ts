// The WebGPU saliency plan: guided back-propagation of one logit per face to the normalised input,
// built once per model next to the forward GpuPlan (mini-xception-gpu.ts). One call = one upload of
// the crops and the per-face targets, one compute pass holding the forward pass of the crops (and
// of their mirrors, for the flip-TTA probabilities), the target selection and the backward pass of
// the crops, one submit and one readback of maps + logits/probs + targets.
//
// Why its own forward dispatches instead of GpuPlan's: GpuPlan rotates three activation buffers,
// so by the end of its pass the ReLU outputs and pre-pool maps the backward reads are overwritten.
// Here every activation the backward needs has its own buffer (stem0 and stem1 outputs as
// guided-ReLU masks, per module the sep1 ReLU output (mask) and the pre-pool map (arg-max), and the
// module input (the next module's forward input)), written once by the same forward kernels and
// read by the backward in the same pass: the forward is never recomputed. The price is memory:
// about 0.8 MB per emotion face and 2 MB per gender face (x2 with mirrors), hence a small maxBatch.
//
// Backward dispatches (n faces; P, Q, R rotate; all ReLUs are guided and fused into epilogues):
//   HeadGapBackward(head out, request): target per face (chosen), weff[target] → P     (dL/d x4)
//   per module, last first:  MaxpoolAddBackward(P, y) → Q ; pw2ᵀ Q → R ;
//     dw2ᵀ R, guided on a1 → Q ; pw1ᵀ Q → R ; dw1ᵀ R + shortcutᵀ P (fan-in), guided on x
//     for module 0 (x = stem1's ReLU output) → Q ; swap P, Q
//   stem1ᵀ P, guided on stem0's output → Q ; stem0ᵀ Q summed over colour channels → maps
import { storageBuffer, writeFloats } from '../gpu/buffers.js';
import { Conv2dBackward } from '../kernels/conv2d-backward.js';
import { Conv2d } from '../kernels/conv2d.js';
import { DepthwiseConv2dBackward } from '../kernels/depthwise-conv2d-backward.js';
import { DepthwiseConv2d } from '../kernels/depthwise-conv2d.js';
import { HeadGapBackward, selectRequest } from '../kernels/head-gap-backward.js';
import { HeadGap } from '../kernels/head-gap.js';
import { MaxpoolAddBackward } from '../kernels/maxpool-add-backward.js';
import { MaxpoolAdd } from '../kernels/maxpool-add.js';
import { PointwiseConv2dBackward } from '../kernels/pointwise-conv2d-backward.js';
import { PointwiseConv2d } from '../kernels/pointwise-conv2d.js';
import type { FoldedMiniXception } from './folded.js';
import { miniXceptionShapes } from './mini-xception-shapes.js';

interface Kernel {
  encode(pass: GPUComputePassEncoder, n: number): void;
  destroy(): void;
}

/** One call's raw results. */
export interface SaliencyPlanOutput {
  /** [n, S*S]: the maps of rows 0..n-1. */
  maps: Float32Array;
  /** [rows, 2K]: logits then softmax probabilities of every row run (faces, then mirrors). */
  head: Float32Array;
  /** [n]: the class each map explains. */
  chosen: Int32Array;
}

export class SaliencyGpuPlan {
  private constructor(
    private readonly device: GPUDevice,
    /** Faces the backward buffers hold; the forward holds 2x (mirrors). */
    readonly maxBatch: number,
    private readonly faceFloats: number,
    private readonly mapFloats: number,
    private readonly k: number,
    private readonly io: { input: GPUBuffer; head: GPUBuffer; request: GPUBuffer; chosen: GPUBuffer; maps: GPUBuffer },
    private readonly owned: GPUBuffer[],
    private readonly forward: Kernel[],
    private readonly backward: Kernel[],
    private readonly readback: GPUBuffer,
  ) {}

  static async create(device: GPUDevice, f: FoldedMiniXception, maxBatch: number): Promise<SaliencyGpuPlan> {
    const sh = miniXceptionShapes(f);
    const s = sh.size, ch = f.spec.input.channels, k = sh.k, c0 = sh.c0;
    const rows = 2 * maxBatch;
    const owned: GPUBuffer[] = [];
    const buf = (label: string, floatsPerFace: number, faces = rows) => {
      const b = storageBuffer(device, `SaliencyGpuPlan.${label}`, faces * floatsPerFace * 4);
      owned.push(b);
      return b;
    };
    const input = buf('input', s * s * ch);
    const stem0 = buf('stem0', sh.stem0 * sh.stem0 * c0);
    const stem1 = buf('stem1', sh.stem1 * sh.stem1 * c0);
    const dwTmp = buf('dwScratch', Math.max(...sh.blocks.map((b) => b.h * b.h * Math.max(b.cin, b.c))));
    const kept = sh.blocks.map((b, i) => ({
      a1: buf(`block${i}.a1`, b.h * b.h * b.c),
      y: buf(`block${i}.y`, b.h * b.h * b.c),
      out: buf(`block${i}.out`, b.oh * b.oh * b.c),
    }));
    const head = buf('head', 2 * k);
    // Backward: n ≤ maxBatch faces.
    const gradFloats = Math.max(sh.maxActivation, s * s * ch);
    const [P0, Q0, R] = [0, 1, 2].map((i) => buf(`gradient${i}`, gradFloats, maxBatch));
    const chosen = buf('chosen', 1, maxBatch);
    const request = buf('request', 1, maxBatch + 2);
    const maps = buf('maps', s * s, maxBatch);

    const fw: Promise<Kernel>[] = [
      Conv2d.create(device, { h: s, w: s, stride: 1, pad: 0, relu: true, inAffine: f.spec.input, name: 'sal.stem0' }, f.stem[0], { x: input, y: stem0 }),
      Conv2d.create(device, { h: sh.stem0, w: sh.stem0, stride: 1, pad: 0, relu: true, name: 'sal.stem1' }, f.stem[1], { x: stem0, y: stem1 }),
    ];
    let x = stem1;
    f.blocks.forEach((b, i) => {
      const { h, c } = sh.blocks[i];
      const name = `sal.block${i}`;
      fw.push(
        DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw1` }, b.dw1, { x, y: dwTmp }),
        PointwiseConv2d.create(device, { hw: h * h, relu: true, name: `${name}.pw1` }, b.pw1, { x: dwTmp, y: kept[i].a1 }),
        DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw2` }, b.dw2, { x: kept[i].a1, y: dwTmp }),
        PointwiseConv2d.create(device, { hw: h * h, relu: false, name: `${name}.pw2` }, b.pw2, { x: dwTmp, y: kept[i].y }),
        MaxpoolAdd.create(device, { h, w: h, c, name: `${name}.tail` }, { y: kept[i].y, x, shortcut: b.shortcut, out: kept[i].out }),
      );
      x = kept[i].out;
    });
    const last = sh.blocks[sh.blocks.length - 1];
    fw.push(HeadGap.create(device, { h: last.oh, w: last.oh, name: 'sal.head' }, f.head, { x, out: head }));

    let P = P0, Q = Q0;
    const bw: Promise<Kernel>[] = [
      HeadGapBackward.create(device, { h: last.oh, w: last.oh, name: 'sal.head' }, f.head, { head, request, chosen, gx: P }),
    ];
    for (let i = f.blocks.length - 1; i >= 0; i--) {
      const b = f.blocks[i];
      const { h, c } = sh.blocks[i];
      const name = `sal.block${i}`;
      bw.push(
        MaxpoolAddBackward.create(device, { h, w: h, c, maxBatch, name: `${name}.pool` }, { g: P, y: kept[i].y, gy: Q }),
        PointwiseConv2dBackward.create(device, { hw: h * h, name: `${name}.pw2` }, b.pw2, { g: Q, gx: R }),
        DepthwiseConv2dBackward.create(device, { h, w: h, name: `${name}.dw2` }, b.dw2, { g: R, gx: Q, mask: kept[i].a1 }),
        PointwiseConv2dBackward.create(device, { hw: h * h, name: `${name}.pw1` }, b.pw1, { g: Q, gx: R }),
        DepthwiseConv2dBackward.create(device, { h, w: h, name: `${name}.dw1` }, b.dw1, {
          g: R, gx: Q, shortcut: { g: P, w: b.shortcut }, mask: i === 0 ? stem1 : undefined,
        }),
      );
      [P, Q] = [Q, P];
    }
    bw.push(
      Conv2dBackward.create(device, { h: sh.stem0, w: sh.stem0, stride: 1, pad: 0, name: 'sal.stem1' }, f.stem[1], { g: P, gx: Q, mask: stem0 }),
      Conv2dBackward.create(device, { h: s, w: s, stride: 1, pad: 0, reduce: true, name: 'sal.stem0' }, f.stem[0], { g: Q, gx: maps }),
    );
    const [forward, backward] = await Promise.all([Promise.all(fw), Promise.all(bw)]);
    const readback = device.createBuffer({
      label: 'SaliencyGpuPlan.readback',
      size: (maxBatch * s * s + rows * 2 * k + maxBatch) * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    return new SaliencyGpuPlan(device, maxBatch, s * s * ch, s * s, k, { input, head, request, chosen, maps }, owned, forward, backward, readback);
  }

  /**
   * pixels: n faces of 0..255 (NHWC), then, when `mirrored`, their n mirrors. targets[i]: a class,
   * or -1 for the predicted one (arg-max of the probabilities, flip-averaged when mirrored).
   */
  async run(pixels: Float32Array, n: number, targets: ArrayLike<number>, mirrored: boolean): Promise<SaliencyPlanOutput> {
    if (!Number.isInteger(n) || n < 1 || n > this.maxBatch) throw new Error(`SaliencyGpuPlan: batch ${n} outside 1..${this.maxBatch}`);
    const rows = mirrored ? 2 * n : n;
    writeFloats(this.device, this.io.input, 0, pixels, rows * this.faceFloats);
    const req = selectRequest(targets, n, mirrored ? n : 0);
    this.device.queue.writeBuffer(this.io.request, 0, req);
    const enc = this.device.createCommandEncoder({ label: 'SaliencyGpuPlan.encoder' });
    const pass = enc.beginComputePass({ label: 'SaliencyGpuPlan.pass' });
    for (const kn of this.forward) kn.encode(pass, rows);
    for (const kn of this.backward) kn.encode(pass, n);
    pass.end();
    const mapBytes = n * this.mapFloats * 4, headBytes = rows * 2 * this.k * 4;
    enc.copyBufferToBuffer(this.io.maps, 0, this.readback, 0, mapBytes);
    enc.copyBufferToBuffer(this.io.head, 0, this.readback, mapBytes, headBytes);
    enc.copyBufferToBuffer(this.io.chosen, 0, this.readback, mapBytes + headBytes, n * 4);
    this.device.queue.submit([enc.finish()]);
    const total = mapBytes + headBytes + n * 4;
    await this.readback.mapAsync(GPUMapMode.READ, 0, total);
    const bytes = this.readback.getMappedRange(0, total).slice(0);
    this.readback.unmap();
    return {
      maps: new Float32Array(bytes, 0, mapBytes / 4),
      head: new Float32Array(bytes, mapBytes, headBytes / 4),
      chosen: new Int32Array(bytes, mapBytes + headBytes, n),
    };
  }

  /**
   * Debug: median ms of each dispatch for n faces (each timed alone: `reps` copies in one pass, one
   * submit, onSubmittedWorkDone), forward ('fwd[i]', over 2n rows when `mirrored`) then backward
   * ('bwd[i]'). Buffers hold whatever the last call left.
   */
  async profile(n: number, mirrored = false, reps = 5): Promise<{ name: string; ms: number }[]> {
    const all = [
      ...this.forward.map((k, i) => ({ name: `fwd[${i}]`, k, rows: mirrored ? 2 * n : n })),
      ...this.backward.map((k, i) => ({ name: `bwd[${i}]`, k, rows: n })),
    ];
    const res: { name: string; ms: number }[] = [];
    for (const { name, k, rows } of all) {
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const enc = this.device.createCommandEncoder({ label: 'SaliencyGpuPlan.profileEncoder' });
        const pass = enc.beginComputePass({ label: 'SaliencyGpuPlan.profilePass' });
        for (let i = 0; i < reps; i++) k.encode(pass, rows);
        pass.end();
        const t = performance.now();
        this.device.queue.submit([enc.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        times.push((performance.now() - t) / reps);
      }
      times.sort((a, b) => a - b);
      res.push({ name, ms: times[1] });
    }
    return res;
  }

  dispose(): void {
    for (const kn of [...this.forward, ...this.backward]) kn.destroy();
    for (const b of this.owned) b.destroy();
    this.readback.destroy();
  }
}
