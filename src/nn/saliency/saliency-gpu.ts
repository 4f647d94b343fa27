// The WebGPU saliency plan: guided back-propagation of one logit per face to the normalised input,
// built once per model next to the forward GpuPlan (mini-xception-gpu.ts). One call = one upload of
// the crops and the per-face targets, one compute pass holding the forward pass of the crops (and
// of their mirrors, for the flip-TTA probabilities), the target selection and the backward pass of
// the crops, one submit and one readback of maps + logits/probs + targets.
//
// Why its own forward pass instead of GpuPlan's: GpuPlan rotates three activation buffers, so by
// the end of its pass the ReLU outputs and pre-pool maps the backward reads are overwritten. Both
// plans build their forward dispatches with gpuForward (mini-xception-forward-gpu.ts); this one
// asks for its 'keep' layout, where every activation the backward needs has its own buffer (stem0
// and stem1 outputs as guided-ReLU masks, per module the sep1 ReLU output (mask) and the pre-pool
// map (arg-max), and the module input (the next module's forward input)), written once by the
// forward kernels and read by the backward in the same pass: the forward is never recomputed. The
// price is memory: about 0.8 MB per emotion face and 2 MB per gender face (x2 with mirrors), hence
// a small maxBatch.
//
// Backward dispatches (n faces; P, Q, R rotate; all ReLUs are guided and fused into epilogues):
//   HeadGapBackward(head out, request): target per face (chosen), weff[target] → P     (dL/d x4)
//   per module, last first:  MaxpoolAddBackward(P, y) → Q ; pw2ᵀ Q → R ;
//     dw2ᵀ R, guided on a1 → Q ; pw1ᵀ Q → R ; dw1ᵀ R + shortcutᵀ P (fan-in), guided on x
//     for module 0 (x = stem1's ReLU output) → Q ; swap P, Q
//   stem1ᵀ P, guided on stem0's output → Q ; stem0ᵀ Q summed over colour channels → maps
import { storageBuffer, writeFloats } from '../../gpu/buffers.js';
import { profileDispatches } from '../../gpu/profile.js';
import { Conv2dBackward } from '../../kernels/conv2d-backward.js';
import { DepthwiseConv2dBackward } from '../../kernels/depthwise-conv2d-backward.js';
import { HeadGapBackward, selectRequest } from '../../kernels/head-gap-backward.js';
import { MaxpoolAddBackward } from '../../kernels/maxpool-add-backward.js';
import { PointwiseConv2dBackward } from '../../kernels/pointwise-conv2d-backward.js';
import type { FoldedMiniXception } from '../mini-xception/folded.js';
import { type GpuKernel, gpuForward } from '../mini-xception/mini-xception-forward-gpu.js';
import { miniXceptionShapes } from '../mini-xception/mini-xception-shapes.js';

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
    private readonly forward: GpuKernel[],
    private readonly backward: GpuKernel[],
    private readonly readback: GPUBuffer,
  ) {}

  static async create(device: GPUDevice, f: FoldedMiniXception, maxBatch: number): Promise<SaliencyGpuPlan> {
    const sh = miniXceptionShapes(f);
    const s = sh.size, ch = f.spec.input.channels, k = sh.k;
    const rows = 2 * maxBatch;
    // Forward: 2 × maxBatch rows (faces, then mirrors), every activation the backward reads kept.
    const fw = gpuForward(device, f, rows, { label: 'SaliencyGpuPlan', layerPrefix: 'sal.', keep: true });
    const { input, output: head } = fw;
    const { stem0, stem1, blocks: kept } = fw.kept;
    const owned: GPUBuffer[] = [...fw.buffers];
    // Backward: n ≤ maxBatch faces.
    const buf = (label: string, floatsPerFace: number, faces: number) => {
      const b = storageBuffer(device, `SaliencyGpuPlan.${label}`, faces * floatsPerFace * 4);
      owned.push(b);
      return b;
    };
    const gradFloats = Math.max(sh.maxActivation, s * s * ch);
    const [P0, Q0, R] = [0, 1, 2].map((i) => buf(`gradient${i}`, gradFloats, maxBatch));
    const chosen = buf('chosen', 1, maxBatch);
    const request = buf('request', 1, maxBatch + 2);
    const maps = buf('maps', s * s, maxBatch);
    const last = sh.blocks[sh.blocks.length - 1];

    let P = P0, Q = Q0;
    const bw: Promise<GpuKernel>[] = [
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
    const [{ stages, head: headKernel }, backward] = await Promise.all([fw.compiled, Promise.all(bw)]);
    const forward = [...stages.flatMap((st) => st.kernels), headKernel];
    const readback = device.createBuffer({
      label: 'SaliencyGpuPlan.readback',
      size: (maxBatch * s * s + rows * 2 * k + maxBatch) * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    return new SaliencyGpuPlan(device, maxBatch, s * s * ch, s * s, k, { input, head, request, chosen, maps }, owned, forward, backward, readback);
  }

  /** The forward pass's input rows (n faces of 0..255, NHWC, then their mirrors): GpuFramePass fills them with its crops. */
  get input(): GPUBuffer {
    return this.io.input;
  }

  /**
   * Records one call into `enc` for crops already in `input` (n faces, then n mirrors when
   * `mirrored`); targets[i]: a class, or -1 for the predicted one (arg-max of the probabilities,
   * flip-averaged when mirrored). The targets go out on the queue now, ahead of the encoder's
   * submission. Answers the buffers to read back, for decode().
   */
  encode(enc: GPUCommandEncoder, n: number, targets: ArrayLike<number>, mirrored: boolean): { src: GPUBuffer; bytes: number }[] {
    if (!Number.isInteger(n) || n < 1 || n > this.maxBatch) throw new Error(`SaliencyGpuPlan: batch ${n} outside 1..${this.maxBatch}`);
    const rows = mirrored ? 2 * n : n;
    this.device.queue.writeBuffer(this.io.request, 0, selectRequest(targets, n, mirrored ? n : 0));
    const pass = enc.beginComputePass({ label: 'SaliencyGpuPlan.pass' });
    for (const kn of this.forward) kn.encode(pass, rows);
    for (const kn of this.backward) kn.encode(pass, n);
    pass.end();
    return [
      { src: this.io.maps, bytes: n * this.mapFloats * 4 },
      { src: this.io.head, bytes: rows * 2 * this.k * 4 },
      { src: this.io.chosen, bytes: n * 4 },
    ];
  }

  /** The answer from what encode()'s buffers held, read back one after another into `floats` from `at`. */
  decode(floats: Float32Array, at: number, n: number, mirrored: boolean): SaliencyPlanOutput {
    const mapFloats = n * this.mapFloats, headFloats = (mirrored ? 2 * n : n) * 2 * this.k;
    const base = floats.byteOffset + at * 4;
    return {
      maps: floats.slice(at, at + mapFloats),
      head: floats.slice(at + mapFloats, at + mapFloats + headFloats),
      chosen: new Int32Array(floats.buffer.slice(base + (mapFloats + headFloats) * 4, base + (mapFloats + headFloats + n) * 4)),
    };
  }

  /**
   * pixels: n faces of 0..255 (NHWC), then, when `mirrored`, their n mirrors. targets[i]: a class,
   * or -1 for the predicted one (arg-max of the probabilities, flip-averaged when mirrored).
   */
  async run(pixels: Float32Array, n: number, targets: ArrayLike<number>, mirrored: boolean): Promise<SaliencyPlanOutput> {
    if (!Number.isInteger(n) || n < 1 || n > this.maxBatch) throw new Error(`SaliencyGpuPlan: batch ${n} outside 1..${this.maxBatch}`);
    writeFloats(this.device, this.io.input, 0, pixels, (mirrored ? 2 * n : n) * this.faceFloats);
    const enc = this.device.createCommandEncoder({ label: 'SaliencyGpuPlan.encoder' });
    const copies = this.encode(enc, n, targets, mirrored);
    let at = 0;
    for (const c of copies) {
      enc.copyBufferToBuffer(c.src, 0, this.readback, at, c.bytes);
      at += c.bytes;
    }
    this.device.queue.submit([enc.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ, 0, at);
    const floats = new Float32Array(this.readback.getMappedRange(0, at).slice(0));
    this.readback.unmap();
    return this.decode(floats, 0, n, mirrored);
  }

  /**
   * Debug: median ms of each dispatch for n faces (each timed alone: `reps` copies in one pass, one
   * submit, onSubmittedWorkDone), forward ('fwd[i]', over 2n rows when `mirrored`) then backward
   * ('bwd[i]'). Buffers hold whatever the last call left.
   */
  profile(n: number, mirrored = false, reps = 5): Promise<{ name: string; ms: number }[]> {
    const all = [
      ...this.forward.map((k, i) => ({ name: `fwd[${i}]`, k, rows: mirrored ? 2 * n : n })),
      ...this.backward.map((k, i) => ({ name: `bwd[${i}]`, k, rows: n })),
    ];
    return profileDispatches(this.device, 'SaliencyGpuPlan', all.map(({ name, k, rows }) => ({ name, encode: (p) => k.encode(p, rows) })), reps);
  }

  dispose(): void {
    for (const kn of [...this.forward, ...this.backward]) kn.destroy();
    for (const b of this.owned) b.destroy();
    this.readback.destroy();
  }
}
