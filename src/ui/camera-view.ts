import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PipelineInfo, PipelineResult } from '../worker/api';
import { createPipelineClient, type PipelineClient } from '../worker/pipeline-client';
import { CameraController, type Facing } from './controllers/camera-controller';
import { CameraSaliencyController } from './controllers/camera-saliency-controller';
import type { SaliencySettings } from './emo-saliency-controls';
import type { ExplainFn } from './emo-saliency-panel';
import './emo-saliency-controls';
import './emo-saliency-layer';
import './emo-snapshot-button';
import { drawOverlay, faceCaption } from './face-overlay';
import { card, tokens, visuallyHidden } from './styles';

/** localStorage key of the Gender setting ('on' / 'off'). */
export const GENDER_KEY = 'emolens.gender';
/** The bundled clip for machines without a camera (© 2012 Aaron "tango" Tang, CC BY 2.0). */
export const SAMPLE_CLIP = 'media/video_01.mp4';

type Source = 'none' | 'camera' | 'sample' | 'video' | 'photo';

/**
 * Live emotion (and optionally gender) recognition: the camera, the bundled sample clip, or a
 * photo or video file, through the worker's camera pipeline. The overlay draws each face's box,
 * track id, emotion label with seven bars, and gender when on; the HUD shows frames per second,
 * detector and classifier milliseconds and the backend.
 *
 * At most one frame is in flight: while the worker is busy, new video frames are dropped, never
 * queued, so the picture stays live and the page responsive.
 *
 * @fires emo-frame - after each analysed frame; detail: PipelineResult
 * @csspart stage - the picture and its overlay
 */
@customElement('emo-camera-view')
export class CameraView extends LitElement {
  static override styles = [
    tokens,
    card,
    visuallyHidden,
    css`
      :host {
        display: block;
        font-family: var(--emo-font);
        color: var(--emo-fg);
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.75rem;
        align-items: center;
        margin-bottom: 0.75rem;
      }
      button,
      select,
      .file {
        display: inline-flex;
        align-items: center;
        box-sizing: border-box;
        font: inherit;
        line-height: 1.2;
        min-height: 2.5rem;
        padding: 0.4rem 0.9rem;
        border-radius: 999px;
        border: 1px solid var(--emo-border);
        background: var(--emo-surface);
        color: var(--emo-fg);
        cursor: pointer;
      }
      button.primary {
        background: var(--emo-accent);
        color: var(--emo-accent-fg);
        border-color: var(--emo-accent);
        font-weight: 600;
      }
      button:disabled,
      select:disabled {
        opacity: 0.55;
        cursor: not-allowed;
      }
      button:focus-visible,
      select:focus-visible,
      input:focus-visible + .file,
      .switch input:focus-visible {
        outline: var(--emo-focus);
        outline-offset: 2px;
      }
      .switch {
        display: inline-flex;
        gap: 0.4rem;
        align-items: center;
        cursor: pointer;
      }
      .switch input {
        width: 1.2rem;
        height: 1.2rem;
        accent-color: var(--emo-accent);
      }
      .stage {
        position: relative;
        /* As wide as the card, but never taller than 75% of the viewport (--ar = width / height). */
        width: min(100%, calc(75vh * var(--ar, 1.3333)));
        aspect-ratio: 4 / 3;
        margin: 0 auto;
        background: #000;
        border-radius: var(--emo-radius);
        overflow: hidden;
      }
      .stage.dragover {
        outline: 3px dashed var(--emo-accent);
        outline-offset: 3px;
      }
      .stage video,
      .stage img,
      .stage canvas {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        object-fit: fill;
      }
      .stage.mirror video {
        transform: scaleX(-1);
      }
      .stage .empty {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        padding: 1rem;
        text-align: center;
        color: #f1f1f6;
      }
      .hud {
        position: absolute;
        top: 0.4rem;
        left: 0.4rem;
        padding: 0.25rem 0.5rem;
        border-radius: 6px;
        background: rgba(10, 10, 20, 0.78);
        color: #fff;
        font: 0.8rem/1.3 var(--emo-mono);
        pointer-events: none;
      }
      .message {
        margin: 0 0 0.75rem;
        padding: 0.6rem 0.8rem;
        border-radius: 8px;
        background: var(--emo-info-bg);
        color: var(--emo-info-fg);
      }
      .message.error {
        background: var(--emo-danger-bg);
        color: var(--emo-danger-fg);
      }
      .message button {
        margin-left: 0.5rem;
      }
      ul.faces {
        list-style: none;
        margin: 0.75rem 0 0;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
      }
      ul.faces li {
        padding: 0.2rem 0.6rem;
        border-radius: 999px;
        background: var(--emo-track);
        font-variant-numeric: tabular-nums;
      }
      .credit {
        margin: 0.5rem 0 0;
        font-size: 0.85rem;
        color: var(--emo-muted);
      }
      .credit a {
        color: var(--emo-accent);
      }
      .controls.saliency {
        margin: 0.75rem 0 0;
      }
    `,
  ];

  /** Makes the worker client; tests pass a fake. */
  @property({ attribute: false }) clientFactory: () => PipelineClient = () => createPipelineClient();

  /** Saliency maps of face crops (the app passes its worker's verb); without it there are no heat-map controls. */
  @property({ attribute: false }) explain?: ExplainFn;

  /** Start the sample clip by itself when the device has no camera (the demo's default). */
  @property({ type: Boolean, attribute: 'autoplay-sample' }) autoplaySample = true;

  /** The latest analysed frame (tests and tools read it). */
  @state() lastResult?: PipelineResult;
  /** Frames analysed since the page loaded. */
  framesAnalyzed = 0;
  /** Video frames skipped because the previous one was still being analysed. */
  framesDropped = 0;

  @state() private _info?: PipelineInfo;
  @state() private _loadError = '';
  @state() private _source: Source = 'none';
  @state() private _message = '';
  @state() private _messageIsError = false;
  @state() private _offerSample = false;
  @state() private _gender = true;
  @state() private _facing: Facing = 'user';
  @state() private _fps = 0;
  @state() private _detectMs = 0;
  @state() private _classifyMs = 0;
  @state() private _deviceNote = '';
  @state() private _dragover = false;
  @state() private _photoUrl = '';
  @state() private _frameSize: [number, number] = [4, 3];

  @query('video') private _video?: HTMLVideoElement;
  @query('canvas') private _canvas?: HTMLCanvasElement;
  @query('.stage') private _stage?: HTMLElement;

  private readonly _camera = new CameraController(this);
  private readonly _saliency = new CameraSaliencyController(this, {
    picture: () => (this._source === 'photo' ? this.renderRoot.querySelector('img') : this._video) ?? undefined,
    explain: () => this.explain,
    classes: () => this._info?.emotionClasses ?? [],
  });
  private _client?: PipelineClient;
  private _inFlight = false;
  private _loopToken = 0;
  private _lastFrameAt = 0;
  private _videoUrl = '';
  /** The next frame starts a new source: the tracker forgets the previous one. */
  private _freshSource = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this._gender = localStorage.getItem(GENDER_KEY) !== 'off';
    void this._start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stopLoop();
    this._client?.terminate();
    this._client = undefined;
    this._revoke();
  }

  /** Test hook: makes the worker lose its GPU device; the next frame rebuilds it. */
  async loseDevice(): Promise<boolean> {
    return (await this._client?.loseDevice()) ?? false;
  }

  /** Plays the bundled sample clip through the pipeline. */
  async playSample(): Promise<void> {
    await this._playVideo(SAMPLE_CLIP, 'sample');
  }

  override render() {
    const ready = this._info !== undefined;
    const live = this._source === 'camera' || this._source === 'sample' || this._source === 'video';
    const mirror = this._source === 'camera' && this._camera.mirrored;
    return html`
      ${this._loadError ? html`<p class="message error" role="alert">The camera pipeline could not start: ${this._loadError}</p>` : nothing}
      ${this._message
        ? html`<p class="message ${this._messageIsError ? 'error' : ''}" role=${this._messageIsError ? 'alert' : 'status'}>
            ${this._message}
            ${this._offerSample && this._source !== 'sample'
              ? html`<button class="primary" id="play-sample" @click=${this.playSample}>Play the sample clip</button>`
              : nothing}
          </p>`
        : nothing}
      ${this._deviceNote ? html`<p class="message" role="status" id="device-note">${this._deviceNote}</p>` : nothing}
      <div class="controls">
        <label class="visually-hidden" for="camera">Camera</label>
        <select id="camera" .value=${this._facing} ?disabled=${!ready} @change=${this._onFacing}>
          <option value="user">Front camera</option>
          <option value="environment">Back camera</option>
          ${this._camera.devices.map((d, i) => html`<option value=${`device:${d.deviceId}`}>${d.label || `Camera ${i + 1}`}</option>`)}
        </select>
        ${this._source === 'camera'
          ? html`<button id="stop" @click=${this._stop}>Stop camera</button>`
          : html`<button id="start" class="primary" ?disabled=${!ready} @click=${this._startCamera}>Start camera</button>`}
        <button id="sample" ?disabled=${!ready} @click=${this.playSample}>Sample clip</button>
        <input id="file" class="visually-hidden" type="file" accept="image/*,video/*" ?disabled=${!ready} @change=${this._onFile} />
        <label class="file" for="file">Photo or video…</label>
        <label class="switch">
          <input id="gender" type="checkbox" role="switch" .checked=${this._gender} @change=${this._onGender} />
          Gender
        </label>
      </div>
      <div
        class="stage ${mirror ? 'mirror' : ''} ${this._dragover ? 'dragover' : ''}"
        part="stage"
        @dragover=${this._onDragOver}
        @dragleave=${this._onDragLeave}
        @drop=${this._onDrop}
      >
        <video ?hidden=${!live} muted playsinline loop aria-label="Video being analysed"></video>
        ${this._source === 'photo' ? html`<img src=${this._photoUrl} alt="Photo being analysed" />` : nothing}
        ${this.explain
          ? html`<emo-saliency-layer .faces=${this._saliency.faces} .frame=${this._saliency.frame} .opacity=${this._saliency.settings.opacity} ?mirror=${mirror}></emo-saliency-layer>`
          : nothing}
        <canvas aria-hidden="true"></canvas>
        ${this._source === 'none'
          ? html`<div class="empty">${ready ? 'Start the camera, play the sample clip, or drop a photo or video here.' : 'Loading the face detector and models…'}</div>`
          : nothing}
        ${this._source !== 'none'
          ? html`<div class="hud" id="hud" aria-hidden="true">${this._fps.toFixed(1)} fps · detect ${this._detectMs.toFixed(0)} ms · classify ${this._classifyMs.toFixed(0)} ms · ${this._info?.backend ?? ''}</div>`
          : nothing}
      </div>
      ${this.explain
        ? html`<div class="controls saliency">
            <emo-saliency-controls .classes=${this._info?.emotionClasses ?? []} .settings=${this._saliency.settings} ?disabled=${!ready}
              @emo-saliency-change=${this._onSaliency}></emo-saliency-controls>
            <emo-snapshot-button .capture=${this._saliency.capture} ?disabled=${!this.lastResult?.faces.length}></emo-snapshot-button>
            ${this._saliency.error ? html`<span role="alert">${this._saliency.error}</span>` : nothing}
          </div>`
        : nothing}
      <p class="visually-hidden" id="hud-text">
        ${this._fps.toFixed(1)} frames per second; detector ${this._detectMs.toFixed(0)} ms; classifiers ${this._classifyMs.toFixed(0)} ms; backend ${this._info?.backend ?? 'loading'}.
      </p>
      <ul class="faces" aria-label="Faces in the picture">
        ${(this.lastResult?.faces ?? []).map((f) => html`<li data-track=${f.track}>${faceCaption(f)}</li>`)}
      </ul>
      ${this._source === 'sample'
        ? html`<p class="credit">Sample clip © 2012 Aaron "tango" Tang,
            <a href="https://creativecommons.org/licenses/by/2.0/" rel="license noopener">CC BY 2.0</a>.</p>`
        : nothing}
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this._stage) {
      const [w, h] = this._frameSize;
      this._stage.style.aspectRatio = `${w} / ${h}`;
      this._stage.style.setProperty('--ar', String(w / h));
    }
  }

  private async _start(): Promise<void> {
    const client = this.clientFactory();
    this._client = client;
    void client.on((e) => {
      this._deviceNote = e.type === 'device-lost' ? `${e.message} Rebuilding on the next frame…` : `GPU recovered. ${e.reason}`;
    });
    try {
      // The page URL's ?backend=cpu|webgpu forces a backend here too, as for the photo classifier.
      const q = new URLSearchParams(location.search).get('backend');
      this._info = await client.load({ backend: q === 'cpu' || q === 'webgpu' ? q : 'auto' });
    } catch (e) {
      this._loadError = e instanceof Error ? e.message : String(e);
      return;
    }
    const cams = await this._camera.refresh();
    if (cams === 0) {
      if (this.autoplaySample) await this.playSample();
      this._showMessage(`No camera was found on this device, so ${this.autoplaySample ? 'the sample clip plays instead' : 'try the sample clip'}.`, false, true);
    }
  }

  private _showMessage(text: string, error: boolean, offerSample: boolean): void {
    this._message = text;
    this._messageIsError = error;
    this._offerSample = offerSample;
  }

  private async _startCamera(): Promise<void> {
    this._stopLoop();
    try {
      const stream = await this._camera.start(this._facing);
      this._revoke();
      this._message = '';
      this._source = 'camera';
      await this.updateComplete;
      const v = this._video!;
      v.srcObject = stream;
      await v.play();
      this._runLoop();
    } catch (e) {
      const name = e instanceof DOMException ? e.name : '';
      const text = name === 'NotAllowedError' || name === 'SecurityError'
        ? 'Camera permission was denied. Allow the camera in the browser settings, or play the sample clip.'
        : name === 'NotFoundError' || name === 'OverconstrainedError'
          ? 'No camera matching that choice was found. Pick another camera, or play the sample clip.'
          : `The camera could not start (${e instanceof Error ? e.message : String(e)}). Play the sample clip instead?`;
      this._showMessage(text, true, true);
      this._source = 'none';
    }
  }

  private _stop(): void {
    this._stopLoop();
    this._camera.stop();
    const v = this._video;
    if (v) v.srcObject = null;
    this._source = 'none';
  }

  private async _playVideo(url: string, source: 'sample' | 'video'): Promise<void> {
    this._stopLoop();
    this._camera.stop();
    this._source = source;
    if (source === 'sample') this._message = '';
    await this.updateComplete;
    const v = this._video!;
    v.srcObject = null;
    v.src = url;
    try {
      await v.play();
    } catch (e) {
      this._showMessage(`The video could not play: ${e instanceof Error ? e.message : String(e)}`, true, source !== 'sample');
      return;
    }
    this._runLoop();
  }

  private async _analyzePhoto(file: File): Promise<void> {
    this._stopLoop();
    this._camera.stop();
    this._revoke();
    this._photoUrl = URL.createObjectURL(file);
    this._source = 'photo';
    this._message = '';
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (e) {
      this._showMessage(`${file.name} could not be read as an image (${e instanceof Error ? e.message : String(e)}).`, true, false);
      return;
    }
    await this._analyze(bitmap, bitmap.width, bitmap.height, true);
  }

  /** Sends one frame to the worker (transferred) and draws its result. */
  private async _analyze(bitmap: ImageBitmap, width: number, height: number, reset = false): Promise<void> {
    if (!this._client) return;
    this._inFlight = true;
    try {
      this._saliency.willAnalyze(bitmap); // keeps a copy of the frame while heat maps are on
      const r = await this._client.analyze(bitmap, { gender: this._gender, reset });
      this._frameSize = [width, height];
      this._onResult(r);
    } catch (e) {
      // One bad frame (a lost device mid-frame) must not stop the loop: the next one rebuilds.
      this._deviceNote ||= `A frame failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this._inFlight = false;
    }
  }

  private _onResult(r: PipelineResult): void {
    const now = performance.now();
    if (this._lastFrameAt) {
      const fps = 1000 / Math.max(1, now - this._lastFrameAt);
      this._fps = this._fps ? 0.8 * this._fps + 0.2 * fps : fps;
    }
    this._lastFrameAt = now;
    const ema = (old: number, v: number) => (old ? 0.8 * old + 0.2 * v : v);
    this._detectMs = ema(this._detectMs, r.timings.detect ?? 0);
    this._classifyMs = ema(this._classifyMs, (r.timings.crop ?? 0) + (r.timings.classify ?? 0));
    this.lastResult = r;
    this.framesAnalyzed++;
    const c = this._canvas;
    if (c) {
      if (c.width !== r.width || c.height !== r.height) {
        c.width = r.width;
        c.height = r.height;
      }
      const ctx = c.getContext('2d');
      if (ctx) drawOverlay(ctx, r.faces, { mirror: this._source === 'camera' && this._camera.mirrored, classes: this._info?.emotionClasses ?? [] });
    }
    this.dispatchEvent(new CustomEvent('emo-frame', { detail: r, bubbles: true, composed: true }));
  }

  /** Analyses video frames as they are presented, dropping those that arrive while one is in flight. */
  private _runLoop(): void {
    const token = ++this._loopToken;
    this._freshSource = true;
    this._lastFrameAt = 0;
    this._fps = 0;
    const v = this._video!;
    const next = () => {
      if (token !== this._loopToken) return;
      if ('requestVideoFrameCallback' in v) v.requestVideoFrameCallback(tick);
      else requestAnimationFrame(tick);
    };
    const tick = () => {
      if (token !== this._loopToken) return;
      next();
      if (this._inFlight) {
        this.framesDropped++;
        return;
      }
      if (v.readyState < 2 || !v.videoWidth) return;
      this._inFlight = true;
      const w = v.videoWidth, h = v.videoHeight;
      const first = this._freshSource;
      this._freshSource = false;
      createImageBitmap(v).then(
        (bmp) => (token === this._loopToken ? this._analyze(bmp, w, h, first) : bmp.close()),
        () => undefined,
      ).finally(() => {
        this._inFlight = false;
      });
    };
    next();
  }

  private _stopLoop(): void {
    this._loopToken++;
    this._video?.pause();
  }

  private _revoke(): void {
    if (this._photoUrl) URL.revokeObjectURL(this._photoUrl);
    if (this._videoUrl) URL.revokeObjectURL(this._videoUrl);
    this._photoUrl = '';
    this._videoUrl = '';
  }

  private _onFacing(e: Event): void {
    this._facing = (e.target as HTMLSelectElement).value as Facing;
    if (this._source === 'camera') void this._startCamera();
  }

  private _onSaliency(e: CustomEvent<SaliencySettings>): void {
    this._saliency.set(e.detail);
  }

  private _onGender(e: Event): void {
    this._gender = (e.target as HTMLInputElement).checked;
    localStorage.setItem(GENDER_KEY, this._gender ? 'on' : 'off');
  }

  private _onFile(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this._openFile(file);
  }

  private async _openFile(file: File): Promise<void> {
    if (file.type.startsWith('video/')) {
      this._revoke();
      this._videoUrl = URL.createObjectURL(file);
      await this._playVideo(this._videoUrl, 'video');
    } else {
      await this._analyzePhoto(file);
    }
  }

  private _onDragOver(e: DragEvent): void {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this._dragover = true;
  }

  private _onDragLeave(): void {
    this._dragover = false;
  }

  private _onDrop(e: DragEvent): void {
    e.preventDefault();
    this._dragover = false;
    const file = e.dataTransfer?.files?.[0];
    if (file && this._info) void this._openFile(file);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-camera-view': CameraView;
  }
}
