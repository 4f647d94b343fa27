// The worker's logic, free of comlink so tests can drive it directly: load a model, choose a
// backend (and say why), classify batches one at a time, rebuild after a lost device.
import type { GpuFacesPass } from '../nn/mini-xception/mini-xception';
import type { DeclineRule } from '../nn/gender/decline';
import { requestGpu, type GpuProbe } from '../gpu/device-select';
import type { Backend, Crops, LoadOptions, LoadResult, SaliencyAnswer, SaliencyRequest } from './api';
import { BackendEngine, errorMessage } from './backend-engine';
import type { SaliencyGpuPass } from '../nn/saliency/saliency.js';

/** What the engine needs from a classifier (src/nn's Classifier satisfies it). */
export interface ClassifierLike {
  readonly backend: Backend;
  classify(gray: ArrayLike<number>, n: number): Promise<Float32Array>;
  /** Every output group per face (the classes', then extra outputs such as age bands); default classify. */
  classifyOutputs?(gray: ArrayLike<number>, n: number): Promise<Float32Array>;
  /** The WebGPU plan for the camera's one-submission frame pass (src/worker/gpu-frame-pass.ts); undefined on the CPU. */
  gpuPass?(): GpuFacesPass | undefined;
  dispose(): void;
}

/** What the engine needs from a saliency model (src/nn/saliency/saliency's SaliencyModel satisfies it). */
export interface SaliencyLike {
  saliency(gray: ArrayLike<number>, n: number, options: { target?: readonly number[] | 'predicted' }): Promise<SaliencyAnswer>;
  /** The WebGPU plan, for the camera's one-submission frame pass (absent or undefined: saliency() is used). */
  gpuPass?(): SaliencyGpuPass | undefined;
  dispose(): void;
}

/** A fetched, validated model that can build classifiers for either backend. */
export interface LoadedModel {
  classes: string[];
  inputSize: number;
  /** Input channels (1 gray, 3 RGB interleaved); default 1. */
  channels?: number;
  /** The weights' rule for giving no class (the gender model's "not estimated"), if any. */
  decline?: DeclineRule;
  /** Whether the weights carry an age head (extra "age_band" outputs). */
  ageHead?: boolean;
  /** With a device: the WebGPU plan; without: the CPU plan. */
  create(options: { device?: GPUDevice; cpu?: 'wasm' | 'cpu'; maxBatch: number }): Promise<ClassifierLike>;
  /** The saliency plan of the same weights (built on the first saliency call, on the classifier's backend). */
  createSaliency?(options: { device?: GPUDevice; cpu?: 'wasm' | 'cpu'; maxBatch: number }): Promise<SaliencyLike>;
}

/** Fetches weights/<name>.{json,safetensors} under baseUrl. Errors name the bad file/tensor. */
export type ModelLoader = (baseUrl: string, name: string) => Promise<LoadedModel>;

const DEFAULT_MAX_BATCH = 64;
/** Faces per saliency pass: its GPU plan keeps every activation (~1.6 MB per emotion face with mirrors). */
const SALIENCY_MAX_BATCH = 8;
/** Timing budget per backend at load, when 'auto' compares them on a software adapter. */
const BENCH_REPS = 3;
const BENCH_BUDGET_MS = 1500;
/** Largest batch timed: per-image cost barely changes above it, and load time would grow. */
const BENCH_MAX_BATCH = 16;

/** Milliseconds per image over a few dummy batches, after one warm-up call (pipeline compiles). */
export async function msPerImage(c: ClassifierLike, batch: number, size: number, channels = 1): Promise<number> {
  const gray = new Uint8Array(batch * size * size * channels);
  for (let i = 0; i < gray.length; i++) gray[i] = (i * 2654435761) >>> 24; // deterministic noise
  await c.classify(gray, batch);
  const t0 = performance.now();
  let reps = 0;
  do {
    await c.classify(gray, batch);
    reps++;
  } while (reps < BENCH_REPS && performance.now() - t0 < BENCH_BUDGET_MS);
  return (performance.now() - t0) / (reps * batch);
}

interface Active {
  options: Required<Omit<LoadOptions, 'weightsUrl'>>;
  model: LoadedModel;
  classifier?: ClassifierLike;
  /** Built on the first saliency call; dropped with the classifier when the device is lost. */
  saliency?: SaliencyLike;
  device?: GPUDevice;
  result: LoadResult;
}

export class InferenceEngine extends BackendEngine {
  private active?: Active;

  constructor(
    private readonly loadModel: ModelLoader,
    private readonly gpu: () => Promise<GpuProbe> = () => requestGpu(),
    /** Where relative weight URLs resolve from (the worker script's URL in the app). */
    private readonly base: string = globalThis.location?.href ?? 'http://localhost/',
  ) {
    super();
  }

  load(options: LoadOptions): Promise<LoadResult> {
    return this.serial(() => this.doLoad(options));
  }

  classify(crops: Crops): Promise<Float32Array> {
    return this.serial(() => this.doClassify(crops));
  }

  saliency(request: SaliencyRequest): Promise<SaliencyAnswer> {
    return this.serial(() => this.doSaliency(request));
  }

  private dispose(): void {
    const a = this.active;
    this.active = undefined;
    if (!a) return;
    a.saliency?.dispose();
    a.classifier?.dispose();
    a.device?.destroy();
  }

  private async doLoad(o: LoadOptions): Promise<LoadResult> {
    this.dispose();
    this.lostMessage = undefined;
    const options = {
      model: o.model,
      backend: o.backend ?? 'auto',
      maxBatch: o.maxBatch ?? DEFAULT_MAX_BATCH,
      typicalBatch: Math.min(o.typicalBatch ?? 1, o.maxBatch ?? DEFAULT_MAX_BATCH),
    } as const;
    const url = new URL(o.weightsUrl ?? './weights/', this.base).href;
    let model: LoadedModel;
    try {
      model = await this.loadModel(url, o.model);
    } catch (e) {
      throw new Error(`Could not load the ${o.model} model: ${errorMessage(e)}`);
    }
    const active: Active = { options, model, result: undefined as unknown as LoadResult };
    await this.build(active);
    this.active = active;
    return active.result;
  }

  /** Picks the backend and builds the classifier into `a` (also after a lost device: drops it, the next call rebuilds). */
  private async build(a: Active): Promise<void> {
    const { model, options } = a;
    const batch = Math.min(options.typicalBatch, BENCH_MAX_BATCH);
    const { impl, result } = await this.chooseBackend(a, {
      choice: options.backend,
      gpu: this.gpu,
      cpuInstead: 'Running on the CPU instead.',
      cpu: (path) => model.create({ cpu: path, maxBatch: options.maxBatch }),
      webgpu: (device) => model.create({ device, maxBatch: options.maxBatch }),
      race: {
        run: async (gpu, cpu) => ({
          batch,
          webgpu: await msPerImage(gpu, batch, model.inputSize, model.channels),
          cpu: await msPerImage(cpu, batch, model.inputSize, model.channels),
        }),
        per: ` per image at batch ${batch}`,
      },
      current: () => this.active === a,
      drop: () => {
        a.classifier = undefined;
        a.saliency = undefined;
      },
    });
    a.classifier = impl;
    a.result = { classes: model.classes, inputSize: model.inputSize, channels: model.channels ?? 1, ...result };
  }

  /** The active model after checking n crops of its size; rebuilds the classifier after a lost device. */
  private async ready(verb: string, { gray, n }: Crops): Promise<Active> {
    const a = this.active;
    if (!a) throw new Error('No model loaded: call load() first.');
    const px = a.model.inputSize * a.model.inputSize * (a.model.channels ?? 1);
    if (!Number.isInteger(n) || n < 0 || gray.length !== n * px) {
      throw new Error(`${verb}: expected n × ${a.model.inputSize}²${(a.model.channels ?? 1) > 1 ? ` × ${a.model.channels}` : ''} = ${n * px} pixels, got ${gray.length} for n = ${n}`);
    }
    if (!a.classifier) {
      await this.build(a);
      this.recovered('Rebuilt', a.result);
    }
    return a;
  }

  private async doSaliency(request: SaliencyRequest): Promise<SaliencyAnswer> {
    const a = await this.ready('saliency', request);
    if (!a.model.createSaliency) throw new Error('saliency: this model has no saliency plan.');
    a.saliency ??= await a.model.createSaliency({ device: a.result.backend === 'webgpu' ? a.device : undefined, cpu: a.result.backend === 'cpu' ? 'cpu' : 'wasm', maxBatch: SALIENCY_MAX_BATCH });
    return a.saliency.saliency(request.gray, request.n, { target: request.target ?? 'predicted' });
  }

  private async doClassify(crops: Crops): Promise<Float32Array> {
    const a = await this.ready('classify', crops);
    const { gray, n } = crops;
    const px = a.model.inputSize * a.model.inputSize * (a.model.channels ?? 1);
    const k = a.model.classes.length;
    const out = new Float32Array(n * k);
    const step = a.options.maxBatch;
    for (let i = 0; i < n; i += step) {
      const m = Math.min(step, n - i);
      const probs = await a.classifier!.classify(gray.subarray(i * px, (i + m) * px), m);
      out.set(probs.subarray(0, m * k), i * k);
    }
    return out;
  }
}
