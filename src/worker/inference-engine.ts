// The worker's logic, free of comlink so tests can drive it directly: load a model, choose a
// backend (and say why), classify batches one at a time, rebuild after a lost device.
import { requestGpu, type GpuProbe } from '../gpu/device-select';
import type { Backend, BackendTimings, Crops, LoadOptions, LoadResult, SaliencyAnswer, SaliencyRequest, WorkerEvent } from './api';

/** What the engine needs from a classifier (src/nn's Classifier satisfies it). */
export interface ClassifierLike {
  readonly backend: Backend;
  classify(gray: ArrayLike<number>, n: number): Promise<Float32Array>;
  dispose(): void;
}

/** What the engine needs from a saliency model (src/nn/saliency's SaliencyModel satisfies it). */
export interface SaliencyLike {
  saliency(gray: ArrayLike<number>, n: number, options: { target?: readonly number[] | 'predicted' }): Promise<SaliencyAnswer>;
  dispose(): void;
}

/** A fetched, validated model that can build classifiers for either backend. */
export interface LoadedModel {
  classes: string[];
  inputSize: number;
  /** Input channels (1 gray, 3 RGB interleaved); default 1. */
  channels?: number;
  /** With a device: the WebGPU plan; without: the CPU plan. */
  create(options: { device?: GPUDevice; maxBatch: number }): Promise<ClassifierLike>;
  /** The saliency plan of the same weights (built on the first saliency call, on the classifier's backend). */
  createSaliency?(options: { device?: GPUDevice; maxBatch: number }): Promise<SaliencyLike>;
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

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

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

export class InferenceEngine {
  private active?: Active;
  private lostMessage?: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((event: WorkerEvent) => void)[] = [];

  constructor(
    private readonly loadModel: ModelLoader,
    private readonly gpu: () => Promise<GpuProbe> = () => requestGpu(),
    /** Where relative weight URLs resolve from (the worker script's URL in the app). */
    private readonly base: string = globalThis.location?.href ?? 'http://localhost/',
  ) {}

  subscribe(callback: (event: WorkerEvent) => void): void {
    this.listeners.push(callback);
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

  /** Runs calls one after another: a classifier owns one set of buffers and one readback. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private emit(event: WorkerEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener in a closed page must not break the worker.
      }
    }
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
      throw new Error(`Could not load the ${o.model} model: ${message(e)}`);
    }
    const active: Active = { options, model, result: undefined as unknown as LoadResult };
    await this.build(active);
    this.active = active;
    return active.result;
  }

  /** Picks the backend and builds the classifier into `a` (also used after a lost device). */
  private async build(a: Active): Promise<void> {
    const { model, options } = a;
    const base = { classes: model.classes, inputSize: model.inputSize, channels: model.channels ?? 1 };
    const cpu = () => model.create({ maxBatch: options.maxBatch });
    if (options.backend === 'cpu') {
      a.classifier = await cpu();
      a.result = { ...base, backend: 'cpu', reason: 'CPU backend requested.' };
      return;
    }
    const probe = await this.gpu();
    if (!probe.ok) {
      if (options.backend === 'webgpu') throw new Error(`WebGPU unavailable: ${probe.why}.`);
      a.classifier = await cpu();
      a.result = { ...base, backend: 'cpu', reason: `WebGPU unavailable: ${probe.why}. Running on the CPU instead.` };
      return;
    }
    const gpu = await this.withDevice(a, probe.device, () => model.create({ device: probe.device, maxBatch: options.maxBatch }));
    const adapter = probe.name;
    if (options.backend === 'webgpu' || !probe.fallback) {
      a.classifier = gpu;
      a.result = {
        ...base,
        backend: 'webgpu',
        adapter,
        reason: options.backend === 'webgpu'
          ? `WebGPU backend requested (adapter: ${adapter}${probe.fallback ? ', a software fallback' : ''}).`
          : `WebGPU on ${adapter}.`,
      };
      return;
    }
    // A software adapter (SwiftShader) can be slower than plain JS: time both, keep the faster.
    const c = await cpu();
    const batch = Math.min(options.typicalBatch, BENCH_MAX_BATCH);
    const timings: BackendTimings = {
      batch,
      webgpu: await msPerImage(gpu, batch, model.inputSize, model.channels),
      cpu: await msPerImage(c, batch, model.inputSize, model.channels),
    };
    const useGpu = timings.webgpu! <= timings.cpu!;
    const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
    const measured = `WebGPU ${fmt(timings.webgpu!)} vs CPU ${fmt(timings.cpu!)} per image at batch ${batch}`;
    if (useGpu) {
      c.dispose();
      a.classifier = gpu;
    } else {
      gpu.dispose();
      a.device = undefined;
      probe.device.destroy();
      a.classifier = c;
    }
    a.result = {
      ...base,
      backend: useGpu ? 'webgpu' : 'cpu',
      adapter,
      timings,
      reason: `The WebGPU adapter (${adapter}) is a software fallback, so both backends were timed: ${measured}; using the faster, ${useGpu ? 'WebGPU' : 'CPU'}.`,
    };
  }

  /** Builds a GPU classifier and watches its device: a loss drops it, the next call rebuilds. */
  private async withDevice(a: Active, device: GPUDevice, make: () => Promise<ClassifierLike>): Promise<ClassifierLike> {
    a.device = device;
    device.lost.then((info) => {
      if (this.active !== a || a.device !== device) return; // we destroyed it ourselves
      a.classifier = undefined;
      a.saliency = undefined;
      a.device = undefined;
      this.lostMessage = `The GPU device was lost (${info.reason}: ${info.message || 'no message'}).`;
      this.emit({ type: 'device-lost', message: this.lostMessage });
    });
    try {
      return await make();
    } catch (e) {
      a.device = undefined;
      device.destroy();
      throw e;
    }
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
      this.emit({ type: 'recovered', backend: a.result.backend, reason: `${this.lostMessage ?? ''} Rebuilt: ${a.result.reason}`.trim() });
    }
    return a;
  }

  private async doSaliency(request: SaliencyRequest): Promise<SaliencyAnswer> {
    const a = await this.ready('saliency', request);
    if (!a.model.createSaliency) throw new Error('saliency: this model has no saliency plan.');
    a.saliency ??= await a.model.createSaliency({ device: a.result.backend === 'webgpu' ? a.device : undefined, maxBatch: SALIENCY_MAX_BATCH });
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
