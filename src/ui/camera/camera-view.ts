import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PipelineResult } from '../../worker/api';
import { createPipelineClient, type PipelineClient } from '../../worker/pipeline-client';
import { cameraViewStyles } from './camera-view.styles';
import { CameraController, type Facing } from './camera-controller';
import { CameraSaliencyController } from '../saliency/camera-saliency-controller';
import { FileOpenController } from './file-open-controller';
import { type AnalysedFrame, FrameLoopController } from './frame-loop-controller';
import type { SaliencySettings } from '../saliency/emo-saliency-controls';
import type { ExplainFn } from '../saliency/emo-saliency-panel';
import '../saliency/emo-saliency-controls';
import '../saliency/emo-saliency-layer';
import '../snapshot/emo-snapshot-button';
import { drawOverlay, faceCaption } from './face-overlay';
import { SAMPLE_CLIP } from './sample-clip';

// Kept where it was exported before the clip left the repository.
export { SAMPLE_CLIP };

/** localStorage key of the Gender setting ('on' / 'off'). */
export const GENDER_KEY = 'emolens.gender';

type Source = 'none' | 'camera' | 'sample' | 'video' | 'photo';

/**
 * Live emotion (and optionally gender) recognition: the camera, the bundled sample clip, or a
 * photo or video file, through the worker's camera pipeline. The overlay draws each face's box,
 * track id, emotion label with seven bars, and gender when on; the HUD shows frames per second,
 * detector and classifier milliseconds and the backend.
 *
 * At most one frame is in flight: while the worker is busy, new video frames are dropped, never
 * queued, so the page stays responsive.
 *
 * What is shown: once a source has its first result, the stage shows the analysed frames (the
 * pixels each result was computed from, drawn on the `frame` canvas) with their overlay, never the
 * overlay over a later video frame. When analysis keeps up with the video this is the live video,
 * one analysis late; when it does not, the picture advances at the analysis rate. Before the first
 * result the live video shows, without overlay.
 *
 * @fires emo-frame - after each analysed frame; detail: PipelineResult
 * @csspart stage - the picture and its overlay
 */
@customElement('emo-camera-view')
export class CameraView extends LitElement {
  static override styles = cameraViewStyles;

  /** Makes the worker client; tests pass a fake. */
  @property({ attribute: false }) clientFactory: () => PipelineClient = () => createPipelineClient();

  /** Saliency maps of face crops (the app passes its worker's verb); without it there are no heat-map controls. */
  @property({ attribute: false }) explain?: ExplainFn;

  /** Start the sample clip by itself when the device has no camera (the demo's default). */
  @property({ type: Boolean, attribute: 'autoplay-sample' }) autoplaySample = true;

  /** The sample clip's URL; null when the build found none in the data folder (no offer, no autoplay). */
  @property({ attribute: false }) sampleClip: string | null = SAMPLE_CLIP;

  /** The latest result with the frame pixels it was computed from (as decoded, not mirrored): the snapshot's source. */
  get lastAnalysed(): AnalysedFrame | undefined {
    return this._frames.lastAnalysed;
  }
  /** Boxes as drawn now, in the shown picture's pixels (mirrored when the picture is): the frame-truth test reads them. */
  get drawnBoxes(): [number, number, number, number][] {
    return this._drawnBoxes;
  }
  /** The latest analysed frame (tests and tools read it). */
  get lastResult(): PipelineResult | undefined {
    return this._frames.lastResult;
  }
  /** Frames analysed since the page loaded. */
  get framesAnalyzed(): number {
    return this._frames.framesAnalyzed;
  }
  /** Video frames skipped because the previous one was still being analysed. */
  get framesDropped(): number {
    return this._frames.framesDropped;
  }

  @state() private _source: Source = 'none';
  @state() private _message = '';
  @state() private _messageIsError = false;
  @state() private _offerSample = false;
  @state() private _gender = true;
  @state() private _facing: Facing = 'user';
  /** The stage shows analysed frames (after the source's first result) instead of the live video. */
  @state() private _showingAnalysed = false;
  private _drawnBoxes: [number, number, number, number][] = [];

  @query('video') private _video?: HTMLVideoElement;
  @query('canvas.overlay') private _canvas?: HTMLCanvasElement;
  @query('canvas.frame') private _frameCanvas?: HTMLCanvasElement;
  @query('.stage') private _stage?: HTMLElement;

  private readonly _camera = new CameraController(this);
  private readonly _saliency = new CameraSaliencyController(this, {
    analysed: () => this._frames.lastAnalysed,
    explain: () => this.explain,
    classes: () => this._frames.info?.emotionClasses ?? [],
  });
  private readonly _frames = new FrameLoopController(this, {
    client: () => this.clientFactory(),
    video: () => this._video,
    gender: () => this._gender,
    draw: (r, image) => this._draw(r, image),
  });
  private readonly _files = new FileOpenController(this, {
    accepting: () => this._frames.info !== undefined,
    photo: (file) => this._analyzePhoto(file),
    video: (url) => this._playVideo(url, 'video'),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this._gender = localStorage.getItem(GENDER_KEY) !== 'off';
    void this._start();
  }

  /** Test hook: makes the worker lose its GPU device; the next frame rebuilds it. */
  async loseDevice(): Promise<boolean> {
    return this._frames.loseDevice();
  }

  /** Plays the bundled sample clip through the pipeline. */
  async playSample(): Promise<void> {
    if (this.sampleClip) await this._playVideo(this.sampleClip, 'sample');
  }

  override render() {
    const f = this._frames;
    const ready = f.info !== undefined;
    const live = this._source === 'camera' || this._source === 'sample' || this._source === 'video';
    const mirror = this._source === 'camera' && this._camera.mirrored;
    return html`
      ${f.loadError ? html`<p class="message error" role="alert">The camera pipeline could not start: ${f.loadError}</p>` : nothing}
      ${this._message
        ? html`<p class="message ${this._messageIsError ? 'error' : ''}" role=${this._messageIsError ? 'alert' : 'status'}>
            ${this._message}
            ${this._offerSample && this.sampleClip && this._source !== 'sample'
              ? html`<button class="primary" id="play-sample" @click=${this.playSample}>Play the sample clip</button>`
              : nothing}
          </p>`
        : nothing}
      ${f.deviceNote ? html`<p class="message" role="status" id="device-note">${f.deviceNote}</p>` : nothing}
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
        ${this.sampleClip ? html`<button id="sample" ?disabled=${!ready} @click=${this.playSample}>Sample clip</button>` : nothing}
        <input id="file" class="visually-hidden" type="file" accept="image/*,video/*" ?disabled=${!ready} @change=${this._files.onChange} />
        <label class="file pill" for="file">Photo or video…</label>
        <label class="switch">
          <input id="gender" type="checkbox" role="switch" .checked=${this._gender} @change=${this._onGender} />
          Gender
        </label>
      </div>
      <div
        class="stage ${mirror ? 'mirror' : ''} ${this._files.dragover ? 'dragover' : ''}"
        part="stage"
        @dragover=${this._files.onDragOver}
        @dragleave=${this._files.onDragLeave}
        @drop=${this._files.onDrop}
      >
        <video ?hidden=${!live} muted playsinline loop aria-label="Video being analysed"></video>
        ${this._source === 'photo' ? html`<img src=${this._files.url} alt="Photo being analysed" />` : nothing}
        <canvas class="frame" ?hidden=${!this._showingAnalysed} aria-hidden="true"></canvas>
        ${this.explain
          ? html`<emo-saliency-layer .faces=${this._saliency.facesFor(this._showingAnalysed ? this.lastResult : undefined)} .frame=${this._saliency.frame} .opacity=${this._saliency.settings.opacity} ?mirror=${mirror}></emo-saliency-layer>`
          : nothing}
        <canvas class="overlay" aria-hidden="true"></canvas>
        ${this._source === 'none'
          ? html`<div class="empty">${ready ? `Start the camera, ${this.sampleClip ? 'play the sample clip, ' : ''}or drop a photo or video here.` : 'Loading the face detector and models…'}</div>`
          : nothing}
        ${this._source !== 'none'
          ? html`<div class="hud" id="hud" aria-hidden="true">${f.fps.toFixed(1)} fps · detect ${f.detectMs.toFixed(0)} ms · classify ${f.classifyMs.toFixed(0)} ms · ${f.info?.backend ?? ''}</div>`
          : nothing}
      </div>
      ${this.explain
        ? html`<div class="controls saliency">
            <emo-saliency-controls .classes=${f.info?.emotionClasses ?? []} .settings=${this._saliency.settings} ?disabled=${!ready}
              @emo-saliency-change=${this._onSaliency}></emo-saliency-controls>
            <emo-snapshot-button .capture=${this._saliency.capture} ?disabled=${!this.lastResult?.faces.length}></emo-snapshot-button>
            ${this._saliency.error ? html`<span role="alert">${this._saliency.error}</span>` : nothing}
          </div>`
        : nothing}
      <p class="visually-hidden" id="hud-text">
        ${f.fps.toFixed(1)} frames per second; detector ${f.detectMs.toFixed(0)} ms; classifiers ${f.classifyMs.toFixed(0)} ms; backend ${f.info?.backend ?? 'loading'}.
      </p>
      <ul class="faces" aria-label="Faces in the picture">
        ${(this.lastResult?.faces ?? []).map((face) => html`<li data-track=${face.track}>${faceCaption(face)}</li>`)}
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
      const [w, h] = this._frames.frameSize;
      this._stage.style.aspectRatio = `${w} / ${h}`;
      this._stage.style.setProperty('--ar', String(w / h));
    }
  }

  private async _start(): Promise<void> {
    if (!(await this._frames.load())) return;
    const cams = await this._camera.refresh();
    if (cams === 0) {
      if (!this.sampleClip) {
        this._showMessage('No camera was found on this device: open a photo or video instead.', false, false);
        return;
      }
      if (this.autoplaySample) await this.playSample();
      this._showMessage(`No camera was found on this device, so ${this.autoplaySample ? 'the sample clip plays instead' : 'try the sample clip'}.`, false, true);
    }
  }

  private _showMessage(text: string, error: boolean, offerSample: boolean): void {
    this._message = text;
    this._messageIsError = error;
    this._offerSample = offerSample;
  }

  /** A new source: nothing analysed is shown until its first result. */
  private _newSource(): void {
    this._frames.forget();
    this._showingAnalysed = false;
    this._drawnBoxes = [];
    for (const c of [this._canvas, this._frameCanvas]) c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
  }

  private async _startCamera(): Promise<void> {
    this._frames.stop();
    this._newSource();
    try {
      const stream = await this._camera.start(this._facing);
      this._files.revoke();
      this._message = '';
      this._source = 'camera';
      await this.updateComplete;
      const v = this._video!;
      v.srcObject = stream;
      await v.play();
      this._frames.run();
    } catch (e) {
      const name = e instanceof DOMException ? e.name : '';
      const other = this.sampleClip ? 'play the sample clip' : 'open a photo or video';
      const text = name === 'NotAllowedError' || name === 'SecurityError'
        ? `Camera permission was denied. Allow the camera in the browser settings, or ${other}.`
        : name === 'NotFoundError' || name === 'OverconstrainedError'
          ? `No camera matching that choice was found. Pick another camera, or ${other}.`
          : `The camera could not start (${e instanceof Error ? e.message : String(e)}). ${this.sampleClip ? 'Play the sample clip' : 'Open a photo or video'} instead?`;
      this._showMessage(text, true, true);
      this._source = 'none';
    }
  }

  private _stop(): void {
    this._frames.stop();
    this._newSource();
    this._camera.stop();
    const v = this._video;
    if (v) v.srcObject = null;
    this._source = 'none';
  }

  private async _playVideo(url: string, source: 'sample' | 'video'): Promise<void> {
    this._frames.stop();
    this._newSource();
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
    this._frames.run();
  }

  private async _analyzePhoto(file: File): Promise<void> {
    this._frames.stop();
    this._newSource();
    this._camera.stop();
    this._source = 'photo';
    this._message = '';
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (e) {
      this._showMessage(`${file.name} could not be read as an image (${e instanceof Error ? e.message : String(e)}).`, true, false);
      return;
    }
    await this._frames.analyzePhoto(bitmap);
  }

  /** Draws the analysed frame and, over it, the result's boxes and labels (both mirrored for a front camera). */
  private _draw(r: PipelineResult, image: ImageBitmap): void {
    const c = this._canvas, fc = this._frameCanvas;
    if (!c || !fc) return;
    const mirror = this._source === 'camera' && this._camera.mirrored;
    for (const canvas of [c, fc]) {
      if (canvas.width !== r.width || canvas.height !== r.height) {
        canvas.width = r.width;
        canvas.height = r.height;
      }
    }
    const fctx = fc.getContext('2d');
    if (fctx) {
      fctx.setTransform(mirror ? -1 : 1, 0, 0, 1, mirror ? r.width : 0, 0);
      fctx.drawImage(image, 0, 0, r.width, r.height);
      fctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    const ctx = c.getContext('2d');
    if (ctx) drawOverlay(ctx, r.faces, { mirror, classes: this._frames.info?.emotionClasses ?? [] });
    this._drawnBoxes = r.faces.map(({ box: [x, y, w, h] }) => [mirror ? r.width - x - w : x, y, w, h]);
    this._showingAnalysed = true;
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
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-camera-view': CameraView;
  }
}
