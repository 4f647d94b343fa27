// The worker's camera-pipeline logic, free of comlink: load the detector and the classifiers once,
// analyse frames one at a time, and after a lost GPU device build everything again on a new one
// (the next frame does it; the page's loop just goes on).
import { requestGpu, type GpuProbe } from '../gpu/device-select';
import type { AnalyzeOptions, PipelineInfo, PipelineInit, PipelineResult } from './api';
import { BackendEngine, errorMessage, probeBackend } from './backend-engine';
import { FramePipeline, type FrameDetector } from './frame-pipeline';

export type { PipelineInfo, PipelineInit };
import type { LoadedModel, ModelLoader } from './inference-engine';



/** What the detector side provides for a device (or for the CPU without one). */
export type DetectorFactory = (device: GPUDevice | undefined, weightsUrl: string) => Promise<FrameDetector>;

const MAX_BATCH = 16;

export class PipelineEngine extends BackendEngine {
  private init?: Required<PipelineInit> & { url: string };
  private models?: { emotion: LoadedModel; gender: Promise<LoadedModel> };
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

  /** Loads the detector and the emotion model (the gender model is fetched now, built on first use). */
  load(options: PipelineInit = {}): Promise<PipelineInfo> {
    return this.serial(async () => {
      this.dispose();
      const url = new URL(options.weightsUrl ?? './weights/', this.base).href;
      this.init = { backend: options.backend ?? 'auto', weightsUrl: options.weightsUrl ?? './weights/', url };
      let emotion: LoadedModel;
      try {
        emotion = await this.loadModel(url, 'emotion');
      } catch (e) {
        throw new Error(`Could not load the emotion model: ${errorMessage(e)}`);
      }
      const gender = this.loadModel(url, 'gender').catch((e: unknown) => {
        throw new Error(`Could not load the gender model: ${errorMessage(e)}`);
      });
      gender.catch(() => undefined); // reported when a frame asks for gender
      this.models = { emotion, gender };
      await this.build();
      return this.info!;
    });
  }

  /** Detect → crop → classify → track one frame. The frame is closed afterwards. */
  analyzeFrame(frame: ImageBitmap | VideoFrame, opts: AnalyzeOptions): Promise<PipelineResult> {
    return this.serial(async () => {
      try {
        if (!this.models) throw new Error('The pipeline is not loaded: call loadPipeline() first.');
        if (!this.pipeline) {
          await this.build();
          this.recovered('Rebuilt', this.info!);
          this.lostMessage = undefined;
        }
        return await this.pipeline!.analyze(frame, opts);
      } finally {
        frame.close();
      }
    });
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
    const device = p.probe?.device;
    const adapter = p.probe?.name;
    const reason = p.probe ? `WebGPU on ${p.probe.name}${p.probe.fallback ? ' (a software adapter)' : ''}.` : p.reason;
    try {
      const detector = await this.makeDetector(device, url);
      const emotion = await models.emotion.create({ device, maxBatch: MAX_BATCH });
      const pipeline = new FramePipeline({
        backend: device ? 'webgpu' : 'cpu',
        device,
        detector,
        emotion,
        emotionClasses: models.emotion.classes,
        gender: async () => (await models.gender).create({ device, maxBatch: MAX_BATCH }),
        genderClasses: ['female', 'male'],
      });
      this.pipeline = pipeline;
      this.device = device;
      this.info = { backend: pipeline.backend, reason, adapter, emotionClasses: models.emotion.classes, genderClasses: ['female', 'male'] };
      if (device) {
        this.watch(device, () => this.device === device, () => {
          this.pipeline = undefined;
          this.device = undefined;
          pipeline.dispose();
        });
      }
    } catch (e) {
      device?.destroy();
      throw e;
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
