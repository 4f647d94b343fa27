// The mini-Xception classifier (docs/ARCHITECTURE.md "Backends and the runner"): a WebGPU plan when
// a device is given, else the wasm plan (WebAssembly SIMD kernels) or the CPU plan (the TypeScript
// reference loops); flip TTA, batching beyond maxBatch, and one call at a time.
import type { Tensor } from '../../kernels/tensor.js';
import type { FoldedMiniXception } from './folded.js';
import { cpuForward } from './mini-xception-cpu.js';
import { GpuPlan } from './mini-xception-gpu.js';
import { WasmPlan } from './mini-xception-wasm.js';
import { type ModelBackend, cpuPath } from '../cpu-path.js';

export type { ModelBackend } from '../cpu-path.js';
import { type ModelSpec, headWidth, outputGroups } from '../model-spec.js';

export interface Classifier {
  readonly backend: ModelBackend;
  readonly spec: ModelSpec;
  /**
   * gray: N×S×S pixels 0..255 (Uint8Array or Float32Array); for a model with input.channels C > 1,
   * N×S×S×C interleaved (NHWC). Returns N×K softmax probs (flip-averaged when spec.flip_tta).
   */
  classify(gray: ArrayLike<number>, n: number): Promise<Float32Array>;
  /**
   * Every output group (docs/ARCHITECTURE.md 'Extra outputs'): N×H, a softmax per group in head
   * order, the classes' first, flip-averaged like classify. Without extra outputs, classify's answer.
   */
  classifyOutputs(gray: ArrayLike<number>, n: number): Promise<Float32Array>;
  /** No flip, raw logits N×H, every output group (parity tests). */
  logits(gray: ArrayLike<number>, n: number): Promise<Float32Array>;
  dispose(): void;
}

/**
 * The WebGPU plan of a classifier, for a caller that fills its input rows on the GPU and runs it in
 * its own submission (the camera pipeline: crops, emotion and gender in one, src/worker/gpu-frame-pass.ts).
 */
export interface GpuFacesPass {
  plan: GpuPlan;
  /** Faces per pass (rows are faces, then their mirrors when `flip`). */
  maxFaces: number;
  flip: boolean;
  /** c faces' outputs (every output group, as classifyOutputs) from the plan's [rows, 2K] answer. */
  finish(r: Float32Array, c: number): Float32Array;
}

export interface MiniXceptionClassifier extends Classifier {
  /** The WebGPU plan as a GpuFacesPass; undefined on the CPU path. */
  gpuPass(): GpuFacesPass | undefined;
  /** Debug/parity: activations after the stem ('stem') and each module ('block0'..), NHWC, no flip. */
  taps(gray: ArrayLike<number>, n: number): Promise<Map<string, Tensor>>;
}

export interface MiniXceptionOptions {
  /** WebGPU device; without one the classifier runs on the CPU. */
  device?: GPUDevice;
  /** The CPU path without a device: 'wasm' (default where WebAssembly SIMD runs) or 'cpu' (the reference loops). */
  cpu?: 'wasm' | 'cpu';
  /** Faces per forward pass; larger inputs are split into chunks of this size. */
  maxBatch: number;
}

/** A backend's forward pass over `rows` pixel rows: [n, 2K] (logits, then probs, per face). */
interface Plan {
  run(pixels: Float32Array, n: number): Promise<Float32Array>;
  taps(pixels: Float32Array, n: number): Promise<Map<string, Tensor>>;
  dispose(): void;
}

class CpuPlan implements Plan {
  constructor(private readonly f: FoldedMiniXception) {}
  async run(pixels: Float32Array, n: number): Promise<Float32Array> {
    return cpuForward(this.f, pixels, n);
  }
  async taps(pixels: Float32Array, n: number): Promise<Map<string, Tensor>> {
    const m = new Map<string, Tensor>();
    cpuForward(this.f, pixels, n, m);
    return m;
  }
  dispose(): void {}
}

class MiniXception implements MiniXceptionClassifier {
  private readonly s: number;
  private readonly ch: number;
  /** Head logits per face (the classes, then any extra outputs). */
  private readonly k: number;
  /** Output groups [start, end) when the head has extra outputs: softmax per group, not across. */
  private readonly groups?: [number, number][];
  /** Pixel rows of one pass: a chunk of faces, then their mirrors when flipping. */
  private readonly staging: Float32Array;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly backend: ModelBackend,
    readonly spec: ModelSpec,
    private readonly plan: Plan,
    private readonly maxBatch: number,
    rows: number,
  ) {
    this.s = spec.input.size;
    this.ch = spec.input.channels;
    this.k = headWidth(spec);
    this.groups = spec.outputs ? outputGroups(spec).map(([, a, b]) => [a, b] as [number, number]) : undefined;
    this.staging = new Float32Array(rows * this.s * this.s * this.ch);
  }

  /** Runs calls one after another: the plan's buffers and readback are shared. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('MiniXception: used after dispose()');
      return work();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private check(gray: ArrayLike<number>, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new Error(`MiniXception: n = ${n} is not a face count`);
    const need = n * this.s * this.s * this.ch;
    if (gray.length < need) throw new Error(`MiniXception: ${gray.length} pixels for ${n} faces of ${this.s}x${this.s}x${this.ch} (${need})`);
  }

  /** Copies faces [from, from+c) into staging rows 0..c-1, and their mirrors into c..2c-1 if `flip`. */
  private stage(gray: ArrayLike<number>, from: number, c: number, flip: boolean): void {
    const s = this.s, ch = this.ch, row = s * ch, face = s * row, st = this.staging;
    for (let i = 0, o = from * face; i < c * face; i++, o++) st[i] = gray[o];
    if (!flip) return;
    for (let f = 0; f < c; f++) {
      for (let y = 0; y < s; y++) {
        const src = f * face + y * row, dst = (c + f) * face + y * row;
        for (let x = 0; x < s; x++) for (let j = 0; j < ch; j++) st[dst + x * ch + j] = st[src + (s - 1 - x) * ch + j];
      }
    }
  }

  async classify(gray: ArrayLike<number>, n: number): Promise<Float32Array> {
    const all = await this.classifyOutputs(gray, n);
    const k = this.spec.classes.length, h = this.k;
    if (k === h) return all;
    const out = new Float32Array(n * k);
    for (let i = 0; i < n; i++) out.set(all.subarray(i * h, i * h + k), i * k);
    return out;
  }

  classifyOutputs(gray: ArrayLike<number>, n: number): Promise<Float32Array> {
    this.check(gray, n);
    return this.serial(async () => {
      const k = this.k, flip = this.spec.flip_tta;
      const out = new Float32Array(n * k);
      const row = new Float32Array(k), mirror = new Float32Array(k);
      for (let from = 0; from < n; from += this.maxBatch) {
        const c = Math.min(this.maxBatch, n - from);
        this.stage(gray, from, c, flip);
        const r = await this.plan.run(this.staging, flip ? 2 * c : c);
        this.finishInto(r, c, out, from * k, row, mirror);
      }
      return out;
    });
  }

  /** c faces' probabilities from a plan's [rows, 2K] answer (faces, then mirrors when flipping) into out[at..]. */
  private finishInto(r: Float32Array, c: number, out: Float32Array, at: number, row = new Float32Array(this.k), mirror = new Float32Array(this.k)): void {
    const k = this.k, flip = this.spec.flip_tta;
    for (let i = 0; i < c; i++) {
      this.probsOf(r, i, row);
      if (flip) this.probsOf(r, c + i, mirror);
      for (let j = 0; j < k; j++) out[at + i * k + j] = flip ? 0.5 * (row[j] + mirror[j]) : row[j];
    }
  }

  gpuPass(): GpuFacesPass | undefined {
    if (!(this.plan instanceof GpuPlan)) return undefined;
    return {
      plan: this.plan,
      maxFaces: this.maxBatch,
      flip: this.spec.flip_tta,
      finish: (r, c) => {
        if (this.disposed) throw new Error('MiniXception: used after dispose()');
        const out = new Float32Array(c * this.k);
        this.finishInto(r, c, out, 0);
        return out;
      },
    };
  }

  /** Row `i` of a plan's [n, 2K] answer as probabilities: the plan's softmax, or one per output group. */
  private probsOf(r: Float32Array, i: number, dst: Float32Array): void {
    const k = this.k, at = i * 2 * k;
    if (!this.groups) {
      dst.set(r.subarray(at + k, at + 2 * k));
      return;
    }
    for (const [a, b] of this.groups) {
      let max = -Infinity, sum = 0;
      for (let j = a; j < b; j++) max = Math.max(max, r[at + j]);
      for (let j = a; j < b; j++) sum += dst[j] = Math.exp(r[at + j] - max);
      for (let j = a; j < b; j++) dst[j] /= sum;
    }
  }

  logits(gray: ArrayLike<number>, n: number): Promise<Float32Array> {
    this.check(gray, n);
    return this.serial(async () => {
      const k = this.k;
      const out = new Float32Array(n * k);
      for (let from = 0; from < n; from += this.maxBatch) {
        const c = Math.min(this.maxBatch, n - from);
        this.stage(gray, from, c, false);
        const r = await this.plan.run(this.staging, c);
        for (let i = 0; i < c; i++) out.set(r.subarray(i * 2 * k, i * 2 * k + k), (from + i) * k);
      }
      return out;
    });
  }

  taps(gray: ArrayLike<number>, n: number): Promise<Map<string, Tensor>> {
    this.check(gray, n);
    if (n > this.maxBatch) throw new Error(`MiniXception.taps: n = ${n} exceeds maxBatch ${this.maxBatch}`);
    return this.serial(async () => {
      this.stage(gray, 0, n, false);
      return this.plan.taps(this.staging, n);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.queue.then(() => this.plan.dispose());
  }
}

/** Builds the classifier: backend 'webgpu' when opts.device is given (pipelines compiled here), else opts.cpu (cpuPath). */
export async function createMiniXception(weights: FoldedMiniXception, opts: MiniXceptionOptions): Promise<MiniXceptionClassifier> {
  const maxBatch = Math.floor(opts.maxBatch);
  if (!(maxBatch >= 1)) throw new Error(`createMiniXception: maxBatch = ${opts.maxBatch} must be at least 1`);
  const rows = maxBatch * (weights.spec.flip_tta ? 2 : 1);
  if (opts.device) {
    const plan = await GpuPlan.create(opts.device, weights, rows);
    return new MiniXception('webgpu', weights.spec, plan, maxBatch, rows);
  }
  if (cpuPath(opts.cpu) === 'wasm') return new MiniXception('wasm', weights.spec, await WasmPlan.create(weights), maxBatch, rows);
  return new MiniXception('cpu', weights.spec, new CpuPlan(weights), maxBatch, rows);
}
