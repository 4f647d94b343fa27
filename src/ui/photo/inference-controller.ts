// Ties the inference worker to an element's lifecycle: start it and load the model (when the host
// connects, or when the host calls start(): the app waits for the camera pipeline's backend so both
// workers run on the same one), answer one warm-up call, then report 'ready'; stop the worker when
// the host goes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LoadOptions, LoadResult, SaliencyAnswer } from '../../worker/api';
import { createInferenceClient, type InferenceClient } from '../../worker/client';

export type AppState = 'loading' | 'ready' | 'error';

export type ClientFactory = () => InferenceClient;

export class InferenceController implements ReactiveController {
  state: AppState = 'loading';
  result?: LoadResult;
  /** Why loading failed (state 'error'). */
  error = '';
  /** The latest device event, for the backend notice. */
  event = '';
  private client?: InferenceClient;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: () => LoadOptions,
    /** The host's client factory, read at connect time; undefined = the real worker. */
    private readonly factory: () => ClientFactory | undefined = () => undefined,
    /** Load as soon as the host connects; false = wait for start(). */
    private readonly autoStart = true,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.autoStart) void this.start();
  }

  hostDisconnected(): void {
    this.client?.terminate();
    this.client = undefined;
  }

  /** size×size gray crops → n×K probabilities. */
  async classify(gray: Uint8Array, n = 1): Promise<Float32Array> {
    if (!this.client || this.state !== 'ready') throw new Error('The model is not loaded yet.');
    return this.client.classify({ gray, n });
  }

  /** Guided back-propagation maps (+ probabilities) of size×size gray crops: the worker's saliency verb. */
  async saliency(gray: Uint8Array, n = 1, target: number[] | 'predicted' = 'predicted'): Promise<SaliencyAnswer> {
    if (!this.client || this.state !== 'ready') throw new Error('The model is not loaded yet.');
    if (!this.client.saliency) throw new Error('This worker has no saliency verb.');
    return this.client.saliency({ gray, n, target });
  }

  private set(state: AppState): void {
    this.state = state;
    this.host.requestUpdate();
  }

  /** Starts the worker and loads the model (again, if it had been started). */
  async start(): Promise<void> {
    this.client?.terminate();
    this.set('loading');
    const client = (this.factory() ?? createInferenceClient)();
    this.client = client;
    try {
      void client.on((e) => {
        this.event = e.type === 'device-lost' ? `${e.message} It will be rebuilt on the next image.` : e.reason;
        this.host.requestUpdate();
      });
      const result = await client.load(this.options());
      // Warm-up: the first call compiles pipelines; 'ready' means a call has been answered.
      await client.classify({ gray: new Uint8Array(result.inputSize * result.inputSize), n: 1 });
      if (this.client !== client) return;
      this.result = result;
      this.set('ready');
    } catch (e) {
      if (this.client !== client) return;
      this.error = e instanceof Error ? e.message : String(e);
      this.set('error');
    }
  }
}
