// A whole-model runner: one runtime on one backend, answering logits for the first n faces of the
// shared benchmark input. Each call is what an app would time: input in, logits back on the CPU.
import { createMiniXception } from '../nn/mini-xception/mini-xception.js';
import { createSaliency } from '../nn/saliency/saliency.js';
import type { FoldedMiniXception } from '../nn/mini-xception/folded.js';
import type { BenchBackend, Runtime } from './report.js';
import { seededUniform } from './stats.js';

/** The same faces for every runtime, in the two forms the runtimes take. */
export interface BenchInput {
  size: number;
  maxBatch: number;
  /** maxBatch x S x S pixels 0..255 (integers): what emolens takes (it normalises in its first conv). */
  pixels: Float32Array;
  /** The same pixels normalised (pixel * scale + offset): what the ONNX and TF.js graphs take (C = 1, so NHWC = NCHW). */
  normalized: Float32Array;
}

export function benchInput(f: FoldedMiniXception, maxBatch: number, seed = 7): BenchInput {
  const s = f.spec.input.size;
  if (f.spec.input.channels !== 1) throw new Error('benchInput: the benchmark feeds grayscale models');
  const pixels = seededUniform(maxBatch * s * s, seed, 0, 256).map(Math.floor);
  const normalized = pixels.map((p) => p * f.spec.input.scale + f.spec.input.offset);
  return { size: s, maxBatch, pixels, normalized };
}

export interface ModelRunner {
  readonly runtime: Runtime;
  readonly backend: BenchBackend;
  /** n x K logits of faces 0..n-1 of the input. */
  logits(n: number): Promise<Float32Array>;
  /** Untimed set-up before each timed call (TF.js: make this runner's backend the active one). */
  prepare?(): Promise<void>;
  dispose(): Promise<void> | void;
}

/** emolens itself, through the app's Classifier (webgpu plan with a device, else the `cpu` path: wasm kernels or the TS reference). */
export async function emolensRunner(f: FoldedMiniXception, input: BenchInput, device?: GPUDevice, cpu: 'wasm' | 'cpu' = 'cpu'): Promise<ModelRunner> {
  const m = await createMiniXception(f, { device, cpu, maxBatch: input.maxBatch });
  if (!device && m.backend !== cpu) throw new Error(`emolens ${cpu} is unavailable here (got ${m.backend})`);
  return {
    runtime: 'emolens',
    backend: m.backend,
    logits: (n) => m.logits(input.pixels, n),
    dispose: () => m.dispose(),
  };
}

/**
 * emolens guided-backprop saliency (src/nn/saliency/saliency.ts): forward + backward of the predicted class,
 * no flip. `logits` answers the [n, S, S] maps, so the same harness checks webgpu against cpu.
 */
export async function emolensSaliencyRunner(f: FoldedMiniXception, input: BenchInput, device?: GPUDevice, cpu: 'wasm' | 'cpu' = 'cpu'): Promise<ModelRunner> {
  const m = await createSaliency(f, { device, cpu, maxBatch: input.maxBatch });
  if (!device && m.backend !== cpu) throw new Error(`emolens ${cpu} saliency is unavailable here (got ${m.backend})`);
  return {
    runtime: 'emolens',
    backend: m.backend,
    logits: async (n) => (await m.saliency(input.pixels, n, { flip: false })).maps,
    dispose: () => m.dispose(),
  };
}
