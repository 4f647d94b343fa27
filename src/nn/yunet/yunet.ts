// The YuNet face detector (docs/ARCHITECTURE.md "Camera pipeline"): a frame in, Face[] out, on the
// WebGPU plan (src/nn/yunet/yunet-gpu.ts), the wasm plan (src/nn/yunet/yunet-wasm.ts: WebAssembly SIMD kernels)
// or the CPU plan (src/nn/yunet/yunet-cpu.ts: the TypeScript reference). Stable API:
//
//   const det = await createYunet(model, { device });       // no device: wasm (cpu: 'cpu': the reference)
//   const faces = await det.detect(bitmapOrVideoFrame);     // Face[] in frame pixels, best first
//   det.frameTexture                                        // WebGPU: the frame of the last detect()
//   det.dispose();
//
// Per frame: the frame is fitted into maxSide (longest side, default 640, never upscaled) and padded
// to multiples of 32 (detectorGeometry); WebGPU copies it into FrameTexture and resizes it on the
// GPU, the CPU backend reads its pixels through an OffscreenCanvas and resizes with the reference.
// Heads are decoded as OpenCV's FaceDetectorYN does (score = sqrt(cls·obj)), then NMS (IoU 0.3,
// top 50) and mapping back to frame pixels, clipped to the frame. A plan is built once per padded
// input size (at most `maxPlans` kept, oldest dropped). Calls run one at a time.
//
// Why 640: on race.jpg (640x428) onnxruntime finds 11 faces at 640 but 5 at 320, and on video_02
// 4-6 walkers at 640 but 2 at 320 (tools/yunet-oracle.mjs, threshold 0.6): small faces need it.
import type { Tensor } from '../../kernels/tensor.js';
import { resizeToTensorCpu } from '../../kernels/resize-to-tensor.cpu.js';
import { WasmImageKernels } from '../../kernels/wasm/image.js';
import { FramePixels } from '../../vision/frame-pixels.js';
import { type FrameSource, FrameTexture, frameSize } from '../../vision/frame-texture.js';
import { nms } from '../../vision/nms.js';
import type { Face } from '../../vision/types.js';
import { CANDIDATE, type DetectorGeometry, SCORE, decodeScratch, decodeYunet, detectorGeometry, toFaces, windowGeometry } from '../../vision/yunet-decode.js';
import { yunetCpuForward } from './yunet-cpu.js';
import { YunetGpuPlan } from './yunet-gpu.js';
import { YunetWasmPlan } from './yunet-wasm.js';
import { type ModelBackend, cpuPath } from '../cpu-path.js';
import type { YunetModel, YunetSpec } from './yunet-weights.js';

export interface DetectOptions {
  /** Minimum sqrt(cls·obj). Default 0.6. */
  scoreThreshold?: number;
  /** NMS IoU above which the lower-scoring box goes. Default 0.3. */
  nmsThreshold?: number;
  /** At most this many faces. Default 50. */
  topK?: number;
}

export interface YunetOptions extends DetectOptions {
  /** WebGPU device; without one the detector runs on the CPU. */
  device?: GPUDevice;
  /** The CPU path without a device: 'wasm' (default where WebAssembly SIMD runs) or 'cpu' (the reference loops). */
  cpu?: 'wasm' | 'cpu';
  /** Longest side of the detector input in pixels (frames are fitted, never upscaled). Default 640. */
  maxSide?: number;
  /** WebGPU: a FrameTexture to upload frames into (share it with the crop kernel). Default: own. */
  frameTexture?: FrameTexture;
  /** Plans (one per padded input size) kept at once. Default 2. */
  maxPlans?: number;
}

/** Everything one detection saw, for parity tests and debugging. */
export interface DetectionDetail {
  faces: Face[];
  geometry: DetectorGeometry;
  /** The input tensor [padH, padW, 3]: B, G, R in 0..255. */
  input: Float32Array;
  /** Packed heads (src/vision/yunet-decode.ts). */
  heads: Float32Array;
}

export interface FaceDetector {
  readonly backend: ModelBackend;
  readonly spec: YunetSpec;
  /** WebGPU: the texture the last frame went into (for crops from the same upload); CPU: undefined. */
  readonly frameTexture?: FrameTexture;
  /** CPU: the RGBA pixels of the last frame detected (for crops without a second read); WebGPU: undefined. */
  readonly framePixels?: { data: Uint8ClampedArray; width: number; height: number };
  /**
   * Where the last detect()/detectWindows() spent its time (ms): read (the frame's pixels; CPU),
   * resize (into the input tensor(s); CPU), net (the network; WebGPU: upload, resize and network),
   * decode (heads to boxes, NMS).
   */
  readonly laps: Readonly<Record<'read' | 'resize' | 'net' | 'decode', number>>;
  /** options.maxSide: this call's input size (longest side; default the detector's maxSide; never upscaled). */
  detect(frame: FrameSource, options?: DetectOptions & { maxSide?: number }): Promise<Face[]>;
  /**
   * Faces in square windows [x, y, side] of the frame (each resized to `input` px, default 160):
   * one list per window, in frame pixels. The frame is uploaded (or read) once for all windows.
   */
  detectWindows(frame: FrameSource, windows: readonly (readonly [number, number, number])[], input?: number, options?: DetectOptions): Promise<Face[][]>;
  /** detect() plus its input tensor and raw heads (allocates; not for every frame). */
  inspect(frame: FrameSource, options?: DetectOptions): Promise<DetectionDetail>;
  /** Builds (WebGPU: compiles) the plan for frames of this size ahead of the first detect(). */
  prepare(width: number, height: number): Promise<void>;
  /** Raw packed heads for an input tensor [padH, padW, 3] (parity with onnxruntime). */
  heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array>;
  dispose(): void;
}

export const DEFAULT_DETECT: Required<DetectOptions> = { scoreThreshold: 0.6, nmsThreshold: 0.3, topK: 50 };
export const DEFAULT_MAX_SIDE = 640;

type Laps = Record<'read' | 'resize' | 'net' | 'decode', number>;
const noLaps = (): Laps => ({ read: 0, resize: 0, net: 0, decode: 0 });

/** Adds the time since t0 to laps[name]; returns now. */
function lap(laps: Laps, name: keyof Laps, t0: number): number {
  const now = performance.now();
  laps[name] += now - t0;
  return now;
}

interface Backend {
  /** Input tensor + heads for a frame; the tensor only when `keepInput`. */
  run(frame: FrameSource, g: DetectorGeometry, keepInput: boolean, laps: Laps): Promise<{ heads: Float32Array; input?: Float32Array }>;
  heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array>;
  /** Heads for each window geometry of one frame (the frame uploaded or read once). */
  runWindows(frame: FrameSource, gs: readonly DetectorGeometry[], laps: Laps): Promise<Float32Array[]>;
  prepare(g: DetectorGeometry): Promise<void>;
  dispose(): void;
}

class GpuBackend implements Backend {
  private readonly plans = new Map<string, Promise<YunetGpuPlan>>();

  constructor(
    private readonly device: GPUDevice,
    private readonly model: YunetModel,
    readonly texture: FrameTexture,
    private readonly ownsTexture: boolean,
    private readonly maxPlans: number,
  ) {}

  plan(padW: number, padH: number): Promise<YunetGpuPlan> {
    const key = `${padW}x${padH}`;
    let p = this.plans.get(key);
    if (p) {
      this.plans.delete(key); // re-insert: Map order is the LRU order
    } else {
      p = YunetGpuPlan.create(this.device, this.model, padW, padH);
      p.catch(() => this.plans.delete(key));
    }
    this.plans.set(key, p);
    while (this.plans.size > this.maxPlans) {
      const [oldKey, old] = this.plans.entries().next().value as [string, Promise<YunetGpuPlan>];
      this.plans.delete(oldKey);
      void old.then((pl) => pl.dispose(), () => undefined);
    }
    return p;
  }

  async run(frame: FrameSource, g: DetectorGeometry, keepInput: boolean, laps: Laps): Promise<{ heads: Float32Array; input?: Float32Array }> {
    const t0 = performance.now();
    const plan = await this.plan(g.padW, g.padH);
    plan.setFrame(this.texture.upload(frame), g);
    const heads = await plan.run();
    lap(laps, 'net', t0);
    return { heads, input: keepInput ? await plan.readInput() : undefined };
  }

  async heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array> {
    return (await this.plan(padW, padH)).runTensor(input);
  }

  async runWindows(frame: FrameSource, gs: readonly DetectorGeometry[], laps: Laps): Promise<Float32Array[]> {
    const t0 = performance.now();
    const tex = this.texture.upload(frame);
    const out: Float32Array[] = [];
    for (const g of gs) {
      const plan = await this.plan(g.padW, g.padH);
      plan.setFrame(tex, g);
      out.push(await plan.run());
    }
    lap(laps, 'net', t0);
    return out;
  }

  async prepare(g: DetectorGeometry): Promise<void> {
    await this.plan(g.padW, g.padH);
  }

  dispose(): void {
    for (const p of this.plans.values()) void p.then((pl) => pl.dispose(), () => undefined);
    this.plans.clear();
    if (this.ownsTexture) this.texture.destroy();
  }
}

class CpuBackend implements Backend {
  private readonly pixels = new FramePixels();
  /** The last frame's pixels (run/runWindows). */
  last?: { data: Uint8ClampedArray; width: number; height: number };
  private tensorBuf = new Float32Array(0);
  /** The wasm plans by padded size (at most maxPlans, oldest dropped); empty on the reference path. */
  private readonly plans = new Map<string, Promise<YunetWasmPlan>>();
  private image?: Promise<WasmImageKernels>;

  constructor(private readonly model: YunetModel, private readonly wasm: boolean, private readonly maxPlans: number) {}

  private forward(t: Tensor): Promise<Float32Array> | Float32Array {
    if (!this.wasm) return yunetCpuForward(this.model, t);
    const [, padH, padW] = t.shape;
    return this.plan(padW, padH).then((plan) => plan.run(t.data));
  }

  private plan(padW: number, padH: number): Promise<YunetWasmPlan> {
    const key = `${padW}x${padH}`;
    let p = this.plans.get(key);
    if (p) this.plans.delete(key); // re-insert: Map order is the LRU order
    else p = YunetWasmPlan.create(this.model, padW, padH);
    this.plans.set(key, p);
    while (this.plans.size > this.maxPlans) {
      const oldest = this.plans.keys().next().value as string;
      // Its worker pool ends with it (a run in flight has already taken its own reference).
      void this.plans.get(oldest)!.then((pl) => pl.dispose(), () => undefined);
      this.plans.delete(oldest);
    }
    return p;
  }

  private tensor(g: DetectorGeometry): Tensor {
    const n = g.padW * g.padH * 3;
    if (this.tensorBuf.length !== n) this.tensorBuf = new Float32Array(n);
    return { shape: [1, g.padH, g.padW, 3], data: this.tensorBuf };
  }

  /**
   * The frame's pixels, for the resize and for the crops after it (`last`). The wasm path stages
   * them in its image kernels: a decoder's VideoFrame converted there from its own YUV planes, any
   * other frame read through a canvas; the reference path reads through the canvas.
   */
  private async read(frame: FrameSource): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
    if (!this.wasm) return (this.last = this.pixels.read(frame));
    const k = await (this.image ??= WasmImageKernels.create());
    const direct = typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame ? await k.stageVideoFrame(frame) : null;
    this.last = (direct as typeof this.last) ?? this.pixels.read(frame);
    if (!direct) k.stageFrame(this.last!);
    return this.last!;
  }

  /** The detector input of the frame read last: the wasm kernel's view (valid until its next call), or the reference resize. */
  private async resize(g: DetectorGeometry): Promise<Tensor> {
    if (!this.wasm) return resizeToTensorCpu(this.last!.data, g, this.tensor(g).data);
    return { shape: [1, g.padH, g.padW, 3], data: (await this.image!).resizeStaged(g) };
  }

  async run(frame: FrameSource, g: DetectorGeometry, keepInput: boolean, laps: Laps): Promise<{ heads: Float32Array; input?: Float32Array }> {
    let t0 = performance.now();
    await this.read(frame);
    t0 = lap(laps, 'read', t0);
    const t = await this.resize(g);
    t0 = lap(laps, 'resize', t0);
    const input = keepInput ? t.data.slice() : undefined;
    const heads = await this.forward(t);
    lap(laps, 'net', t0);
    return { heads, input };
  }

  async heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array> {
    return this.forward({ shape: [1, padH, padW, 3], data: input });
  }

  async runWindows(frame: FrameSource, gs: readonly DetectorGeometry[], laps: Laps): Promise<Float32Array[]> {
    let t0 = performance.now();
    await this.read(frame);
    t0 = lap(laps, 'read', t0);
    const out: Float32Array[] = [];
    // One window at a time: the resized input (and a wasm plan's output) is reused by the next.
    for (const g of gs) {
      const t = await this.resize(g);
      t0 = lap(laps, 'resize', t0);
      out.push((await this.forward(t)).slice());
      t0 = lap(laps, 'net', t0);
    }
    return out;
  }

  async prepare(g: DetectorGeometry): Promise<void> {
    if (this.wasm) await this.forward({ shape: [1, g.padH, g.padW, 3], data: new Float32Array(g.padW * g.padH * 3) });
  }

  dispose(): void {
    for (const p of this.plans.values()) void p.then((pl) => pl.dispose(), () => undefined);
    this.plans.clear();
  }
}

class Yunet implements FaceDetector {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly scratch = decodeScratch();
  laps: Laps = noLaps();

  constructor(
    readonly backend: ModelBackend,
    private readonly model: YunetModel,
    private readonly impl: Backend,
    private readonly defaults: Required<DetectOptions>,
    private readonly maxSide: number,
  ) {}

  get spec(): YunetSpec {
    return this.model.spec;
  }

  get frameTexture(): FrameTexture | undefined {
    return this.impl instanceof GpuBackend ? this.impl.texture : undefined;
  }

  get framePixels(): { data: Uint8ClampedArray; width: number; height: number } | undefined {
    return this.impl instanceof CpuBackend ? this.impl.last : undefined;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('FaceDetector: used after dispose()');
      return work();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private options(o?: DetectOptions): Required<DetectOptions> {
    const { scoreThreshold, nmsThreshold, topK } = o ?? {};
    const r = { ...this.defaults, ...Object.fromEntries(Object.entries({ scoreThreshold, nmsThreshold, topK }).filter(([, v]) => v !== undefined)) };
    if (!(r.scoreThreshold >= 0 && r.scoreThreshold <= 1)) throw new Error(`FaceDetector: scoreThreshold ${r.scoreThreshold} is not in 0..1`);
    if (!(r.nmsThreshold >= 0 && r.nmsThreshold <= 1)) throw new Error(`FaceDetector: nmsThreshold ${r.nmsThreshold} is not in 0..1`);
    if (!(Number.isInteger(r.topK) && r.topK >= 1)) throw new Error(`FaceDetector: topK ${r.topK} is not a positive integer`);
    return r;
  }

  private faces(heads: Float32Array, g: DetectorGeometry, o: Required<DetectOptions>): Face[] {
    const n = decodeYunet(heads, g, this.model.spec.strides, o.scoreThreshold, this.scratch);
    const keep = nms(this.scratch.rows, n, { stride: CANDIDATE, score: SCORE, iou: o.nmsThreshold, topK: o.topK }, this.scratch.keep);
    return toFaces(this.scratch.rows, keep, g);
  }

  detect(frame: FrameSource, options?: DetectOptions & { maxSide?: number }): Promise<Face[]> {
    const o = this.options(options);
    const maxSide = options?.maxSide ?? this.maxSide;
    if (!(maxSide >= this.model.spec.input.divisor)) return Promise.reject(new Error(`FaceDetector: maxSide ${maxSide} is below ${this.model.spec.input.divisor}`));
    return this.serial(async () => {
      const { width, height } = frameSize(frame);
      const g = detectorGeometry(width, height, maxSide, this.model.spec.input.divisor);
      const laps = noLaps();
      const { heads } = await this.impl.run(frame, g, false, laps);
      const t0 = performance.now();
      const faces = this.faces(heads, g, o);
      lap(laps, 'decode', t0);
      this.laps = laps;
      return faces;
    });
  }

  detectWindows(frame: FrameSource, windows: readonly (readonly [number, number, number])[], input = 160, options?: DetectOptions): Promise<Face[][]> {
    const o = this.options(options);
    return this.serial(async () => {
      const { width, height } = frameSize(frame);
      const gs = windows.map((w) => windowGeometry(width, height, w, input, this.model.spec.input.divisor));
      const laps = noLaps();
      const heads = await this.impl.runWindows(frame, gs, laps);
      const t0 = performance.now();
      const faces = heads.map((h, i) => this.faces(h, gs[i], o));
      lap(laps, 'decode', t0);
      this.laps = laps;
      return faces;
    });
  }

  inspect(frame: FrameSource, options?: DetectOptions): Promise<DetectionDetail> {
    const o = this.options(options);
    return this.serial(async () => {
      const { width, height } = frameSize(frame);
      const g = detectorGeometry(width, height, this.maxSide, this.model.spec.input.divisor);
      const { heads, input } = await this.impl.run(frame, g, true, noLaps());
      return { faces: this.faces(heads, g, o), geometry: g, input: input!, heads };
    });
  }

  heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array> {
    return this.serial(() => this.impl.heads(input, padW, padH));
  }

  prepare(width: number, height: number): Promise<void> {
    return this.serial(() => this.impl.prepare(detectorGeometry(width, height, this.maxSide, this.model.spec.input.divisor)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.queue.then(() => this.impl.dispose());
  }
}

/** Builds the detector: WebGPU when options.device is given (the first plan is built on first use), else options.cpu (cpuPath). */
export async function createYunet(model: YunetModel, options: YunetOptions = {}): Promise<FaceDetector> {
  const defaults: Required<DetectOptions> = {
    scoreThreshold: options.scoreThreshold ?? DEFAULT_DETECT.scoreThreshold,
    nmsThreshold: options.nmsThreshold ?? DEFAULT_DETECT.nmsThreshold,
    topK: options.topK ?? DEFAULT_DETECT.topK,
  };
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  if (!(maxSide >= model.spec.input.divisor)) throw new Error(`createYunet: maxSide ${maxSide} is below ${model.spec.input.divisor}`);
  if (options.device) {
    const ft = options.frameTexture ?? new FrameTexture(options.device, 'Yunet.frame');
    const impl = new GpuBackend(options.device, model, ft, !options.frameTexture, Math.max(1, options.maxPlans ?? 2));
    return new Yunet('webgpu', model, impl, defaults, maxSide);
  }
  const cpu = cpuPath(options.cpu);
  return new Yunet(cpu, model, new CpuBackend(model, cpu === 'wasm', Math.max(1, options.maxPlans ?? 2)), defaults, maxSide);
}
