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
// to multiples of 32 (detectorGeometry; a call may ask for a smaller maxSide); WebGPU copies it into
// FrameTexture and resizes it on the GPU; the CPU backend reads a VideoFrame's YUV planes (any other
// frame through an OffscreenCanvas) and resizes with the wasm kernel, or the reference on the 'cpu'
// path (both backends: yunet-backends.ts).
// Heads are decoded as OpenCV's FaceDetectorYN does (score = sqrt(cls·obj)), then NMS (IoU 0.3,
// top 50) and mapping back to frame pixels, clipped to the frame. A plan is built once per padded
// input size (at most `maxPlans` kept, oldest dropped). Calls run one at a time.
//
// Why 640: on race.jpg (640x428) onnxruntime finds 11 faces at 640 but 5 at 320, and on video_02
// 4-6 walkers at 640 but 2 at 320 (tools/yunet-oracle.mjs, threshold 0.6): small faces need it.
import { type FrameSource, FrameTexture, frameSize } from '../../vision/frame-texture.js';
import { nms } from '../../vision/nms.js';
import type { Face } from '../../vision/types.js';
import { CANDIDATE, type DetectorGeometry, SCORE, decodeScratch, decodeYunet, detectorGeometry, toFaces, windowGeometry } from '../../vision/yunet-decode.js';
import { type ModelBackend, cpuPath } from '../cpu-path.js';
import type { YunetModel, YunetSpec } from './yunet-weights.js';
import { type Backend, CpuBackend, GpuBackend, type Laps, lap, noLaps } from './yunet-backends.js';

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
