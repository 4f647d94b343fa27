// The camera pipeline worker as a resource of its host element, and the loop that feeds it: load
// the pipeline, post video frames (or one photo) to it, keep the HUD's rates, draw each result and
// announce it as `emo-frame`; end the worker when the host leaves the page. At most one frame is
// in flight: video frames presented while the worker is busy are dropped, never queued.
//
// Frame truth: before a frame is transferred to the worker, a copy of its pixels is kept; the result
// comes back paired with that copy as `lastAnalysed`, and `draw` gets both, so the host draws the
// overlay only on the very picture it was computed from (never over a later video frame).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GenderInfo, PipelineInfo, PipelineResult } from '../../worker/api';
import type { PipelineClient } from '../../worker/pipeline-client';
import { rememberChoice, rememberedChoices } from './backend-memory';
import { grabFrame } from '../../vision/grab-frame';
import { frameSize } from '../../vision/frame-texture';

export interface FrameLoopHooks {
  /** Makes the worker client (the host's factory, read on each load). */
  client(): PipelineClient;
  /** The video element the loop reads frames from (and pauses when it stops). */
  video(): HTMLVideoElement | undefined;
  /** Whether to run the gender model on the next frame. */
  gender(): boolean;
  /** Heat maps to compute with the next frame, in the worker (AnalyzeOptions.saliency); undefined: none. */
  saliency?(): { target: 'predicted' | number } | undefined;
  /** Draws a result's overlay on `image`, the frame it was computed from, before `emo-frame` goes out. */
  draw(result: PipelineResult, image: ImageBitmap): void;
}

/** A result and the frame pixels it was computed from (as decoded, not mirrored). */
export interface AnalysedFrame {
  image: ImageBitmap;
  result: PipelineResult;
}

/** Exponential moving average of the HUD's numbers; the first value stands alone. */
const ema = (old: number, v: number) => (old ? 0.8 * old + 0.2 * v : v);

export class FrameLoopController implements ReactiveController {
  info?: PipelineInfo;
  /** Why the pipeline could not load, if it could not. */
  loadError = '';
  /** The latest device event or failed frame, for the page. */
  deviceNote = '';
  /** Smoothed frames per second, detector and classifier (crop + classify) milliseconds. */
  fps = 0;
  detectMs = 0;
  classifyMs = 0;
  /** Width and height of the latest analysed frame. */
  frameSize: [number, number] = [4, 3];
  lastResult?: PipelineResult;
  /**
   * The latest result with the frame it was computed from (the snapshot card and the heat maps
   * read their crops from `image`). The image stays open until the result after next replaces it
   * (one result of grace for a reader that is still drawing it); copy it to keep it longer.
   */
  lastAnalysed?: AnalysedFrame;
  framesAnalyzed = 0;
  framesDropped = 0;

  private client?: PipelineClient;
  private inFlight = false;
  /** Bumped to end the running loop: a tick or a late frame from an older loop sees a stale token. */
  private loopToken = 0;
  private lastFrameAt = 0;
  /** The next frame starts a new source: the tracker forgets the previous one. */
  private freshSource = false;
  /** The image lastAnalysed held before the latest one, closed on the next result. */
  private retired?: ImageBitmap;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly hooks: FrameLoopHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
    this.client?.terminate();
    this.client = undefined;
    this.forget();
  }

  /** Drops the kept frames (a new source starts with none). */
  forget(): void {
    this.retired?.close();
    this.lastAnalysed?.image.close();
    this.retired = undefined;
    this.lastAnalysed = undefined;
  }

  /** Starts the worker and loads the pipeline; resolves to whether it loaded. */
  async load(): Promise<boolean> {
    const client = this.hooks.client();
    this.client = client;
    void client.on((e) => {
      this.deviceNote = e.type === 'device-lost' ? `${e.message} Rebuilding on the next frame…` : `GPU recovered. ${e.reason}`;
      this.host.requestUpdate();
    });
    try {
      // The page URL's ?backend=cpu|wasm|webgpu forces a backend here too, as for the photo classifier.
      const q = new URLSearchParams(location.search).get('backend');
      this.info = await client.load({ backend: q === 'cpu' || q === 'wasm' || q === 'webgpu' ? q : 'auto', reuse: rememberedChoices() });
      rememberChoice(this.info);
      return true;
    } catch (e) {
      this.loadError = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Loads the gender model in the worker (the Gender switch's first turn-on). */
  async loadGender(): Promise<GenderInfo> {
    const c = this.client;
    if (!c) throw new Error('The pipeline is not loaded yet.');
    return c.loadGender ? c.loadGender() : { classes: this.info?.genderClasses ?? [], decline: '', ageHead: false };
  }

  /** Test hook: makes the worker lose its GPU device; the next frame rebuilds it. */
  async loseDevice(): Promise<boolean> {
    return (await this.client?.loseDevice()) ?? false;
  }

  /** Analyses video frames as they are presented, dropping those that arrive while one is in flight. */
  run(): void {
    const token = ++this.loopToken;
    this.freshSource = true;
    this.lastFrameAt = 0;
    this.fps = 0;
    this.host.requestUpdate();
    const v = this.hooks.video()!;
    const next = () => {
      if (token !== this.loopToken) return;
      if ('requestVideoFrameCallback' in v) v.requestVideoFrameCallback(tick);
      else requestAnimationFrame(tick);
    };
    const tick = () => {
      if (token !== this.loopToken) return;
      next();
      if (this.inFlight) {
        this.framesDropped++;
        return;
      }
      if (v.readyState < 2 || !v.videoWidth) return;
      this.inFlight = true;
      const w = v.videoWidth, h = v.videoHeight;
      const first = this.freshSource;
      this.freshSource = false;
      const time = v.currentTime;
      grabFrame(v, time).then(
        (frame) => (token === this.loopToken ? this.analyze(frame, w, h, first, true, time) : frame.close()),
        () => undefined,
      ).finally(() => {
        this.inFlight = false;
      });
    };
    next();
  }

  /** Ends the loop and pauses the video. */
  stop(): void {
    this.loopToken++;
    this.hooks.video()?.pause();
  }

  /** Analyses one photo as a new source. */
  async analyzePhoto(bitmap: ImageBitmap): Promise<void> {
    await this.analyze(bitmap, bitmap.width, bitmap.height, true, false);
  }

  /**
   * One frame of a file being stepped through (the timeline), `reset` on its first; resolves to its
   * result. Full detection on every frame (no following), as the CLI's analyze does.
   */
  async analyzeStill(bitmap: ImageBitmap | VideoFrame, reset: boolean): Promise<PipelineResult | undefined> {
    const before = this.framesAnalyzed;
    const { width, height } = frameSize(bitmap);
    await this.analyze(bitmap, width, height, reset, false);
    return this.framesAnalyzed > before ? this.lastResult : undefined;
  }

  /**
   * Sends one frame to the worker (transferred) and handles its result. Video frames follow the
   * faces of the frames before (the full-frame detector only now and then: src/vision/face-follower.ts).
   */
  private async analyze(bitmap: ImageBitmap | VideoFrame, width: number, height: number, reset: boolean, follow: boolean, time?: number): Promise<void> {
    if (!this.client) {
      bitmap.close();
      return;
    }
    this.inFlight = true;
    const token = this.loopToken;
    let kept: ImageBitmap | undefined;
    try {
      // The copy stays here; the original is transferred (and closed) by the worker.
      kept = await createImageBitmap(bitmap);
      const saliency = this.hooks.saliency?.();
      const r = await this.client.analyze(bitmap, { gender: this.hooks.gender(), reset, follow, ...(time !== undefined ? { time } : {}), ...(saliency ? { saliency } : {}) });
      // A result from a source the user has since left is not drawn over the new one.
      if (token !== this.loopToken) return;
      this.frameSize = [width, height];
      this.onResult(r, kept);
      kept = undefined;
    } catch (e) {
      // One bad frame (a lost device mid-frame) must not stop the loop: the next one rebuilds.
      this.deviceNote ||= `A frame failed: ${e instanceof Error ? e.message : String(e)}`;
      this.host.requestUpdate();
    } finally {
      kept?.close();
      this.inFlight = false;
    }
  }

  private onResult(r: PipelineResult, image: ImageBitmap): void {
    this.retired?.close();
    this.retired = this.lastAnalysed?.image;
    this.lastAnalysed = { image, result: r };
    const now = performance.now();
    if (this.lastFrameAt) this.fps = ema(this.fps, 1000 / Math.max(1, now - this.lastFrameAt));
    this.lastFrameAt = now;
    this.detectMs = ema(this.detectMs, r.timings.detect ?? 0);
    this.classifyMs = ema(this.classifyMs, (r.timings.crop ?? 0) + (r.timings.classify ?? 0));
    this.lastResult = r;
    this.framesAnalyzed++;
    this.host.requestUpdate();
    this.hooks.draw(r, image);
    this.host.dispatchEvent(new CustomEvent('emo-frame', { detail: r, bubbles: true, composed: true }));
  }
}
