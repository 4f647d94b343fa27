// Guided back-propagation saliency for the mini-Xception (docs/ARCHITECTURE.md, issue 5): for each
// face, d logit_t / d normalised input with guided ReLUs (training/golden.py's definition), t = the
// predicted class or any class the caller names. A WebGPU plan (saliency-gpu.ts: our backward
// kernels, forward activations kept from the same pass) when a device is given, else the wasm plan
// (saliency-wasm.ts: the wasm kernels on transformed weights) or the CPU plan (saliency-cpu.ts: the refs). Calls run one at a time; batches beyond maxBatch are split.
import type { FoldedMiniXception } from '../mini-xception/folded.js';
import type { ModelSpec } from '../model-spec.js';
import { cpuSaliency, mirrorFaces } from './saliency-cpu.js';
import { SaliencyGpuPlan } from './saliency-gpu.js';
import { SaliencyWasmPlan } from './saliency-wasm.js';
import { type ModelBackend, cpuPath } from '../cpu-path.js';

/** Which class each map explains: 'predicted' (default), one class for all faces, or one per face (-1 = predicted). */
export type SaliencyTarget = 'predicted' | number | readonly number[];

export interface SaliencyOptions {
  target?: SaliencyTarget;
  /**
   * Average the probabilities with the mirrored crops' (the classifier's flip TTA), so that
   * `probs` and the 'predicted' target agree with classify(). Default spec.flip_tta. The map is
   * always of the crop itself. false skips the mirrors' forward pass.
   */
  flip?: boolean;
}

export interface SaliencyResult {
  /** [n, S, S] row-major: d logit_target / d normalised input (RGB models: summed over channels). */
  maps: Float32Array;
  /** [n, K] softmax probabilities (flip-averaged when flip). */
  probs: Float32Array;
  /** [n, K] raw logits of the crops (no flip). */
  logits: Float32Array;
  /** [n] the class index each map explains. */
  targets: Int32Array;
}

export interface SaliencyModel {
  readonly backend: ModelBackend;
  readonly spec: ModelSpec;
  /** gray: n×S×S (×C for colour models, NHWC) pixels 0..255. */
  saliency(gray: ArrayLike<number>, n: number, options?: SaliencyOptions): Promise<SaliencyResult>;
  /** The WebGPU plan, for a frame pass that encodes it with the classifiers (absent or undefined: saliency() is used). */
  gpuPass?(): SaliencyGpuPass | undefined;
  dispose(): void;
}

/** A WebGPU saliency plan as a frame pass uses it (up to plan.maxBatch faces a call), on `device`, mirrored rows when `flip`. */
export interface SaliencyGpuPass {
  plan: SaliencyGpuPlan;
  device: GPUDevice;
  flip: boolean;
}

export interface SaliencyModelOptions {
  /** WebGPU device; without one the saliency runs on the CPU. */
  device?: GPUDevice;
  /** The CPU path without a device: 'wasm' (default where WebAssembly SIMD runs) or 'cpu' (the reference loops). */
  cpu?: 'wasm' | 'cpu';
  /** Faces per pass (the GPU plan keeps every activation for 2x this many rows). Default 8. */
  maxBatch?: number;
}

/** Per-face targets as an array of class indices, -1 = predicted; throws on anything else. */
export function resolveTargets(target: SaliencyTarget | undefined, n: number, k: number): Int32Array {
  const out = new Int32Array(n).fill(-1);
  if (target === undefined || target === 'predicted') return out;
  const list = typeof target === 'number' ? new Array<number>(n).fill(target) : target;
  if (list.length !== n) throw new Error(`saliency: ${list.length} targets for ${n} faces`);
  for (let i = 0; i < n; i++) {
    const t = list[i];
    if (!Number.isInteger(t) || t < -1 || t >= k) throw new Error(`saliency: target ${t} of face ${i} is not a class index in 0..${k - 1} (or -1 for the predicted class)`);
    out[i] = t;
  }
  return out;
}

type Chunk = (pixels: Float32Array, c: number, targets: Int32Array, flip: boolean) => Promise<SaliencyResult>;

class Saliency implements SaliencyModel {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly s: number;
  private readonly ch: number;
  private readonly k: number;

  constructor(
    readonly backend: ModelBackend,
    readonly spec: ModelSpec,
    private readonly chunk: Chunk,
    private readonly maxBatch: number,
    private readonly release: () => void,
    private readonly gpu?: SaliencyGpuPass,
  ) {
    this.s = spec.input.size;
    this.ch = spec.input.channels;
    this.k = spec.classes.length;
  }

  saliency(gray: ArrayLike<number>, n: number, options: SaliencyOptions = {}): Promise<SaliencyResult> {
    if (!Number.isInteger(n) || n < 0) throw new Error(`saliency: n = ${n} is not a face count`);
    const face = this.s * this.s * this.ch;
    if (gray.length < n * face) throw new Error(`saliency: ${gray.length} pixels for ${n} faces of ${this.s}x${this.s}x${this.ch} (${n * face})`);
    const targets = resolveTargets(options.target, n, this.k);
    const flip = options.flip ?? this.spec.flip_tta;
    const run = this.queue.then(async () => {
      if (this.disposed) throw new Error('saliency: used after dispose()');
      const k = this.k, ss = this.s * this.s;
      const out: SaliencyResult = { maps: new Float32Array(n * ss), probs: new Float32Array(n * k), logits: new Float32Array(n * k), targets: new Int32Array(n) };
      for (let from = 0; from < n; from += this.maxBatch) {
        const c = Math.min(this.maxBatch, n - from);
        const px = new Float32Array(c * face * (flip ? 2 : 1));
        for (let i = 0; i < c * face; i++) px[i] = gray[from * face + i];
        if (flip) px.set(mirrorFaces(px, c, this.s, this.ch), c * face);
        const r = await this.chunk(px, c, targets.subarray(from, from + c), flip);
        out.maps.set(r.maps, from * ss);
        out.probs.set(r.probs, from * k);
        out.logits.set(r.logits, from * k);
        out.targets.set(r.targets, from);
      }
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  gpuPass(): SaliencyGpuPass | undefined {
    return this.disposed ? undefined : this.gpu;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.queue.then(this.release);
  }
}

/** Builds the saliency model: the WebGPU plan when options.device is given (pipelines compiled here), else the CPU plan. */
export async function createSaliency(f: FoldedMiniXception, options: SaliencyModelOptions = {}): Promise<SaliencyModel> {
  const maxBatch = Math.floor(options.maxBatch ?? 8);
  if (!(maxBatch >= 1)) throw new Error(`createSaliency: maxBatch = ${options.maxBatch} must be at least 1`);
  const k = f.spec.classes.length;
  if (!options.device && cpuPath(options.cpu) === 'wasm') {
    const plan = await SaliencyWasmPlan.create(f);
    // The chunk holds the crops then (with flip) their mirrors; the plan mirrors on its own.
    const chunk: Chunk = async (px, c, targets, flip) => plan.run(px, c, targets, flip);
    return new Saliency('wasm', f.spec, chunk, maxBatch, () => undefined);
  }
  if (!options.device) {
    const chunk: Chunk = async (px, c, targets, flip) => cpuSaliency(f, px, c, targets, flip);
    return new Saliency('cpu', f.spec, chunk, maxBatch, () => undefined);
  }
  const plan = await SaliencyGpuPlan.create(options.device, f, maxBatch);
  const chunk: Chunk = async (px, c, targets, flip) => {
    const r = await plan.run(px, c, targets, flip);
    const logits = new Float32Array(c * k), probs = new Float32Array(c * k);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < k; j++) {
        logits[i * k + j] = r.head[i * 2 * k + j];
        const p = r.head[i * 2 * k + k + j];
        probs[i * k + j] = flip ? 0.5 * (p + r.head[(c + i) * 2 * k + k + j]) : p;
      }
    }
    return { maps: r.maps, probs, logits, targets: r.chosen };
  };
  return new Saliency('webgpu', f.spec, chunk, maxBatch, () => plan.dispose(), { plan, device: options.device, flip: f.spec.flip_tta });
}
