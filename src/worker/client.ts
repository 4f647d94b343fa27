// The main thread's handle on the inference worker. The bundle puts the worker next to the page
// script (dist/inference.worker.js), so it resolves relative to import.meta.url.
import { proxy, wrap } from 'comlink';
import type {
  Crops, InferenceApi, LoadOptions, LoadResult, SaliencyAnswer, SaliencyRequest, WorkerEvent,
} from './api';

/** What pages use: the worker's verbs plus events and shutdown. UI tests pass a fake. */
export interface InferenceClient {
  load(options: LoadOptions): Promise<LoadResult>;
  /** The crops are copied to the worker (147 KB for 64 crops), so callers may reuse them. */
  classify(crops: Crops): Promise<Float32Array>;
  /** Guided back-propagation maps + probabilities (optional so that fakes without it still type-check). */
  saliency?(request: SaliencyRequest): Promise<SaliencyAnswer>;
  /** Calls back on device-lost / recovered. */
  on(callback: (event: WorkerEvent) => void): Promise<void>;
  /** Stops the worker (and with it the GPU device). */
  terminate(): void;
}

export function createInferenceClient(url: URL | string = new URL('./inference.worker.js', import.meta.url)): InferenceClient {
  const worker = new Worker(url, { type: 'module', name: 'emolens-inference' });
  const remote = wrap<InferenceApi>(worker);
  // A worker that fails to start (404, syntax error) only says so through 'error'.
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`The inference worker failed to start: ${e.message || url}`)), { once: true });
  });
  failed.catch(() => undefined);
  return {
    load: (options) => Promise.race([remote.load(options), failed]),
    classify: (crops) => Promise.race([remote.classify(crops), failed]),
    saliency: (request) => Promise.race([remote.saliency(request), failed]),
    on: (callback) => remote.subscribe(proxy(callback)),
    terminate: () => worker.terminate(),
  };
}
