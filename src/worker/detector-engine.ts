// The worker's face detector behind the detect verb, free of comlink so tests can drive it:
// fetches weights/yunet.*, picks a backend with the classifier's policy, detects one frame at a
// time, and rebuilds after a lost GPU device. Stable API (src/worker/api.ts has the types):
//
//   const d = new DetectorEngine();               // real loader (fetchYunet) and builder (createYunet)
//   await d.load({ backend: 'auto' });            // optional: detect() loads with defaults
//   const faces = await d.detect(bitmap);         // Face[] in frame pixels, best first
//
// Backend policy (BackendEngine's, as for the classifier): 'cpu' → CPU; no WebGPU → CPU (or an
// error when 'webgpu' was asked for); a hardware adapter → WebGPU; a software adapter (SwiftShader)
// → both are timed on a 640x480 frame and the faster one is kept.
import { requestGpu, type GpuProbe } from '../gpu/device-select';
import { type DetectOptions, type YunetOptions, createYunet } from '../nn/yunet';
import { type YunetModel, fetchYunet } from '../nn/yunet-weights';
import type { FrameSource } from '../vision/frame-texture';
import type { Face } from '../vision/types';
import type { Backend, DetectorLoadOptions, DetectorLoadResult } from './api';
import { BackendEngine, cpuPathFor, errorMessage } from './backend-engine';

/** What the engine needs from a detector (src/nn/yunet.ts's FaceDetector satisfies it). */
export interface DetectorLike {
  readonly backend: Backend;
  detect(frame: FrameSource, options?: DetectOptions): Promise<Face[]>;
  prepare(width: number, height: number): Promise<void>;
  dispose(): void;
}

export type DetectorWeightsLoader = (baseUrl: string) => Promise<YunetModel>;
export type DetectorBuilder = (model: YunetModel, options: YunetOptions) => Promise<DetectorLike>;

/** The frame size 'auto' times the backends at (a VGA webcam frame). */
export const BENCH_FRAME: [number, number] = [640, 480];
const BENCH_REPS = 3;
const BENCH_BUDGET_MS = 3000;

/** A deterministic, smooth test frame (gradients and discs: no faces, but real texture). */
export async function benchFrame([w, h] = BENCH_FRAME): Promise<ImageBitmap> {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('benchFrame: no 2D context');
  const g = ctx.createLinearGradient(0, 0, w, h);
  g.addColorStop(0, '#30281c');
  g.addColorStop(1, '#d8b898');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  for (let i = 0; i < 8; i++) {
    ctx.fillStyle = `hsl(${i * 45} 50% ${30 + i * 6}%)`;
    ctx.beginPath();
    ctx.arc(((i * 97) % w) + 20, ((i * 151) % h) + 20, 20 + i * 6, 0, 2 * Math.PI);
    ctx.fill();
  }
  return createImageBitmap(c);
}

/** Milliseconds per frame: one warm-up detect (pipelines compile), then up to BENCH_REPS timed. */
export async function msPerFrame(d: DetectorLike, frame: ImageBitmap): Promise<number> {
  await d.detect(frame);
  const t0 = performance.now();
  let reps = 0;
  do {
    await d.detect(frame);
    reps++;
  } while (reps < BENCH_REPS && performance.now() - t0 < BENCH_BUDGET_MS);
  return (performance.now() - t0) / reps;
}

interface Active {
  options: DetectorLoadOptions;
  model: YunetModel;
  detector?: DetectorLike;
  device?: GPUDevice;
  result: DetectorLoadResult;
}

export class DetectorEngine extends BackendEngine {
  private active?: Active;

  constructor(
    private readonly loadWeights: DetectorWeightsLoader = (url) => fetchYunet(url),
    private readonly build: DetectorBuilder = createYunet,
    private readonly gpu: () => Promise<GpuProbe> = () => requestGpu(),
    /** Where relative weight URLs resolve from (the worker script's URL in the app). */
    private readonly base: string = globalThis.location?.href ?? 'http://localhost/',
  ) {
    super();
  }

  /** Loads (or reloads) the detector: weights, backend choice, plan for a 640x480 frame. */
  load(options: DetectorLoadOptions = {}): Promise<DetectorLoadResult> {
    return this.serial(() => this.doLoad(options));
  }

  /** Faces in `frame` (frame pixels, best first). Loads with default options on first use. */
  detect(frame: FrameSource, options?: DetectOptions): Promise<Face[]> {
    return this.serial(async () => {
      if (!this.active) await this.doLoad({});
      const a = this.active!;
      if (!a.detector) {
        await this.choose(a);
        this.recovered('Rebuilt the face detector', a.result);
      }
      return a.detector!.detect(frame, options);
    });
  }

  /** The last load's answer, if any. */
  get info(): DetectorLoadResult | undefined {
    return this.active?.result;
  }

  dispose(): void {
    const a = this.active;
    this.active = undefined;
    if (!a) return;
    a.detector?.dispose();
    a.device?.destroy();
  }

  private async doLoad(options: DetectorLoadOptions): Promise<DetectorLoadResult> {
    this.dispose();
    this.lostMessage = undefined;
    const url = new URL(options.weightsUrl ?? './weights/', this.base).href;
    let model: YunetModel;
    try {
      model = await this.loadWeights(url);
    } catch (e) {
      throw new Error(`Could not load the face detector: ${errorMessage(e)}`);
    }
    const a: Active = { options, model, result: undefined as unknown as DetectorLoadResult };
    await this.choose(a);
    this.active = a;
    return a.result;
  }

  private yunetOptions(o: DetectorLoadOptions, device?: GPUDevice): YunetOptions {
    return { device, cpu: cpuPathFor(o.backend ?? 'auto'), maxSide: o.maxSide, scoreThreshold: o.scoreThreshold, nmsThreshold: o.nmsThreshold, topK: o.topK };
  }

  /** Picks the backend and builds the detector into `a` (also after a lost device: drops it, the next detect() rebuilds). */
  private async choose(a: Active): Promise<void> {
    const { model, options } = a;
    const attribution = `YuNet (${model.spec.attribution.authors ?? 'Wu, Peng, Yu'}), ${model.spec.attribution.license ?? 'Apache-2.0'}`;
    const make = async (device?: GPUDevice) => {
      const d = await this.build(model, this.yunetOptions(options, device));
      await d.prepare(...BENCH_FRAME);
      return d;
    };
    const { impl, result } = await this.chooseBackend(a, {
      choice: options.backend ?? 'auto',
      gpu: this.gpu,
      cpuInstead: 'Running the face detector on the CPU instead.',
      cpu: () => make(),
      webgpu: make,
      race: {
        async run(gpu, cpu) {
          const frame = await benchFrame();
          try {
            return { webgpu: await msPerFrame(gpu, frame), cpu: await msPerFrame(cpu, frame), frame: BENCH_FRAME };
          } finally {
            frame.close();
          }
        },
        on: ` on a ${BENCH_FRAME.join('x')} frame`,
      },
      current: () => this.active === a,
      drop: () => {
        a.detector?.dispose();
        a.detector = undefined;
      },
    });
    a.detector = impl;
    a.result = { attribution, maxSide: options.maxSide ?? 640, ...result };
  }
}
