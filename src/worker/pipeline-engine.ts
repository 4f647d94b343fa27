// The worker's camera-pipeline logic, free of comlink: load the detector and the classifiers once,
// analyse frames one at a time, and after a lost GPU device build everything again on a new one
// (the next frame does it; the page's loop just goes on).
import { requestGpu, type GpuProbe } from '../gpu/device-select';
import type { AnalyzeOptions, Backend, DetectOptions, Face, GenderInfo, PipelineInfo, PipelineInit, PipelineResult } from './api';
import { describeRule } from '../nn/gender/decline';
import { BackendEngine, cpuPathFor, errorMessage, probeBackend } from './backend-engine';
import { FramePipeline, SALIENCY_FACES, type FrameDetector, type PipelineClassifier } from './frame-pipeline';
import type { LoadedModel, ModelLoader } from './inference-engine';
import { type Picked, describeStage, pickFastest } from './stage-backends';

export type { PipelineInfo, PipelineInit };

/** What the detector side provides for a device (or for the CPU without one). */
export type DetectorFactory = (device: GPUDevice | undefined, weightsUrl: string, cpu?: 'wasm' | 'cpu') => Promise<FrameDetector>;

const MAX_BATCH = 16;
/** The classifiers are timed at load on this many faces (a typical camera frame). */
const TIMED_FACES = 4;

/** ms per face from ms per TIMED_FACES batch. */
const perFace = (ms: Partial<Record<Backend, number>>) => Object.fromEntries(Object.entries(ms).map(([b, t]) => [b, t / TIMED_FACES])) as Partial<Record<Backend, number>>;

/** A mid-gray 640×480 camera frame for timing the detector (its cost does not depend on the pixels). */
function dummyFrame(): ImageBitmap {
  const c = new OffscreenCanvas(640, 480);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 640, 480);
  return c.transferToImageBitmap();
}

export class PipelineEngine extends BackendEngine {
  private init?: Required<PipelineInit> & { url: string };
  private models?: { emotion: LoadedModel; gender?: Promise<LoadedModel> };
  private pipeline?: FramePipeline;
  private device?: GPUDevice;
  private info?: PipelineInfo;

  constructor(
    private readonly loadModel: ModelLoader,
    private readonly makeDetector: DetectorFactory,
    private readonly gpu: () => Promise<GpuProbe> = () => requestGpu(),
    private readonly base: string = globalThis.location?.href ?? 'http://localhost/',
  ) {
    super();
  }

  /**
   * Loads the detector and the emotion model. The gender model is neither fetched nor built until
   * gender is first asked for (loadGender, or a frame with gender on).
   */
  load(options: PipelineInit = {}): Promise<PipelineInfo> {
    return this.serial(async () => {
      this.dispose();
      const url = new URL(options.weightsUrl ?? './weights/', this.base).href;
      this.init = { backend: options.backend ?? 'auto', weightsUrl: options.weightsUrl ?? './weights/', reuse: options.reuse ?? {}, url };
      let emotion: LoadedModel;
      try {
        emotion = await this.loadModel(url, 'emotion');
      } catch (e) {
        throw new Error(`Could not load the emotion model: ${errorMessage(e)}`);
      }
      this.models = { emotion };
      await this.build();
      return this.info!;
    });
  }

  /** Detect → crop → classify → track one frame. The frame is closed afterwards. */
  analyzeFrame(frame: ImageBitmap | VideoFrame, opts: AnalyzeOptions): Promise<PipelineResult> {
    return this.serial(async () => {
      try {
        return await (await this.ready()).analyze(frame, opts);
      } finally {
        frame.close();
      }
    });
  }

  /** The pipeline with its classifiers off: the chosen detector's faces in one frame (closed afterwards). */
  detectFaces(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<Face[]> {
    return this.serial(async () => {
      try {
        return await (await this.ready()).detectFaces(frame, options);
      } finally {
        frame.close();
      }
    });
  }

  /** Fetches and builds the gender model now (the Gender switch's first turn-on); a failure says why. */
  loadGender(): Promise<GenderInfo> {
    return this.serial(async () => {
      if (!this.models) throw new Error('The pipeline is not loaded: call loadPipeline() first.');
      if (!this.pipeline) await this.build();
      await this.pipeline!.genderModel();
      const m = await this.genderWeights();
      return { classes: [...m.classes], decline: describeRule(m.decline), ageHead: Boolean(m.ageHead) };
    });
  }

  /** The built pipeline; after a lost device, built again on a new one (and subscribers told). */
  private async ready(): Promise<FramePipeline> {
    if (!this.models) throw new Error('The pipeline is not loaded: call loadPipeline() first.');
    if (!this.pipeline) {
      await this.build();
      this.recovered('Rebuilt', this.info!);
      this.lostMessage = undefined;
    }
    return this.pipeline!;
  }

  /** The gender weights, fetched once on first use; a failed fetch is tried again on the next ask. */
  private genderWeights(): Promise<LoadedModel> {
    const models = this.models!;
    models.gender ??= this.loadModel(this.init!.url, 'gender').catch((e: unknown) => {
      models.gender = undefined;
      throw new Error(`Could not load the gender model: ${errorMessage(e)}`);
    });
    return models.gender;
  }

  /** Test hook: destroys the GPU device as a driver reset would (device.lost fires). */
  loseDevice(): boolean {
    if (!this.device) return false;
    this.device.destroy();
    return true;
  }

  private async build(): Promise<void> {
    const { backend, url } = this.init!;
    const models = this.models!;
    const p = await probeBackend(backend, this.gpu, 'Running on the CPU instead.');
    let device = p.probe?.device;
    const adapter = p.probe?.name;
    // Each stage on its faster backend, timed at load when that is in doubt: 'auto' on a software
    // adapter (on a hardware GPU WebGPU wins; 'webgpu'/'cpu' are asked for outright).
    const inDoubt = backend === 'auto' && Boolean(p.probe?.fallback);
    // A choice measured on this adapter at an earlier load (the page remembers it per device).
    const reuse = inDoubt && adapter ? this.init!.reuse[adapter] : undefined;
    const measure = inDoubt && !reuse;
    const cpu = cpuPathFor(backend);
    const backends: Backend[] = device ? (measure ? ['webgpu', cpu] : ['webgpu']) : [cpu];
    const only = (b: Backend | undefined): Backend[] => (b ? [b === 'webgpu' ? 'webgpu' : cpu] : backends);
    const deviceFor = (b: Backend) => (b === 'webgpu' ? device : undefined);
    const frame = measure ? dummyFrame() : undefined;
    const crops = new Float32Array(TIMED_FACES * models.emotion.inputSize ** 2 * (models.emotion.channels ?? 1)).fill(128);
    let detector: Picked<FrameDetector> | undefined;
    let emotion: Picked<PipelineClassifier> | undefined;
    try {
      detector = await pickFastest(only(reuse?.detector).map((b) => ({ backend: b, build: () => this.makeDetector(deviceFor(b), url, cpu) })), (d) => d.detect(frame!));
      emotion = await pickFastest(only(reuse?.emotion).map((b) => ({ backend: b, build: () => models.emotion.create({ device: deviceFor(b), cpu, maxBatch: MAX_BATCH }) })), (c) => c.classify(crops, TIMED_FACES));
    } catch (e) {
      detector?.impl.dispose();
      device?.destroy();
      throw e;
    } finally {
      frame?.close();
    }
    if (device && detector.backend !== 'webgpu' && emotion.backend !== 'webgpu') {
      device.destroy(); // nothing runs on it
      device = undefined;
    }
    const stages = { detector: detector.backend, emotion: emotion.backend, gender: emotion.backend };
    const where = p.probe ? `WebGPU on ${p.probe.name}${p.probe.fallback ? ' (a software adapter)' : ''}` : p.reason.replace(/\.$/, '');
    const plain = [describeStage('The face detector', detector, 'a frame'), describeStage(`the emotion and gender models`, { ...emotion, ms: perFace(emotion.ms) }, 'a face')];
    const reason = reuse
      ? `${where}. Reused: the face detector on ${detector.backend}, the emotion and gender models on ${emotion.backend}, as measured at an earlier load on this adapter.`
      : `${where}. ${plain.join('; ')}.`;
    const genderDevice = deviceFor(stages.gender);
    const pipeline = new FramePipeline({
      backend: stages.detector,
      device: stages.detector === 'webgpu' ? device : undefined,
      detector: detector.impl,
      emotion: emotion.impl,
      emotionClasses: models.emotion.classes,
      gender: async () => {
        const m = await this.genderWeights();
        const c = await m.create({ device: genderDevice, cpu, maxBatch: MAX_BATCH });
        const rows = (px: ArrayLike<number>, n: number) => (c.classifyOutputs ? c.classifyOutputs(px, n) : c.classify(px, n));
        return { classify: rows, gpuPass: () => c.gpuPass?.(), dispose: () => c.dispose(), decline: m.decline };
      },
      genderClasses: ['female', 'male'],
      // Heat maps on the emotion model's backend, built on the first frame that asks for them.
      ...(models.emotion.createSaliency ? { saliency: () => models.emotion.createSaliency!({ device: deviceFor(stages.emotion), cpu, maxBatch: SALIENCY_FACES }) } : {}),
    });
    this.pipeline = pipeline;
    this.device = device;
    const choice = reuse ? 'reused' as const : measure ? 'measured' as const : undefined;
    this.info = { backend: stages.detector, stages, reason, adapter, ...(choice ? { choice } : {}), emotionClasses: models.emotion.classes, genderClasses: ['female', 'male'], ...(detector.impl.attribution ? { attribution: detector.impl.attribution } : {}) };
    if (device) {
      this.watch(device, () => this.device === device, () => {
        this.pipeline = undefined;
        this.device = undefined;
        pipeline.dispose();
      });
    }
  }

  private dispose(): void {
    const device = this.device;
    this.device = undefined;
    this.pipeline?.dispose();
    this.pipeline = undefined;
    device?.destroy();
  }
}
