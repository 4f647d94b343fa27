// The page's handle on the camera pipeline in the inference worker (its own worker instance, so a
// busy camera loop never waits behind the photo classifier). Frames are transferred, not copied.
import { proxy, transfer, wrap } from 'comlink';
import type { AnalyzeOptions, DetectOptions, Face, GenderInfo, InferenceApi, PipelineInfo, PipelineInit, PipelineResult, WorkerEvent } from './api';

export interface PipelineClient {
  load(options?: PipelineInit): Promise<PipelineInfo>;
  /** Fetches and builds the gender model in the worker (first use only; absent in older fakes: nothing to load). */
  loadGender?(): Promise<GenderInfo>;
  /** The frame is transferred to the worker (and closed there): do not use it afterwards. */
  analyze(frame: ImageBitmap | VideoFrame, opts: AnalyzeOptions): Promise<PipelineResult>;
  /** Faces only (the classifiers off); the frame is transferred and closed there. Absent in older fakes. */
  detectFaces?(frame: ImageBitmap | VideoFrame, options?: DetectOptions): Promise<Face[]>;
  on(callback: (event: WorkerEvent) => void): Promise<void>;
  /** Test hook: destroys the worker's GPU device. */
  loseDevice(): Promise<boolean>;
  terminate(): void;
}

export function createPipelineClient(url: URL | string = new URL('./inference.worker.js', import.meta.url)): PipelineClient {
  const worker = new Worker(url, { type: 'module', name: 'emolens-camera' });
  const remote = wrap<InferenceApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`The camera worker failed to start: ${e.message || url}`)), { once: true });
  });
  failed.catch(() => undefined);
  return {
    load: (options) => Promise.race([remote.loadPipeline(options), failed]),
    loadGender: () => Promise.race([remote.loadGender(), failed]),
    analyze: (frame, opts) => Promise.race([remote.analyzeFrame(transfer(frame, [frame]), opts), failed]),
    detectFaces: (frame, options) => Promise.race([remote.detectFaces(transfer(frame, [frame]), options), failed]),
    on: (callback) => remote.subscribe(proxy(callback)),
    loseDevice: () => remote.loseDevice(),
    terminate: () => worker.terminate(),
  };
}
