import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PipelineInfo, PipelineResult } from '../../worker/api';
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
import './face-list';
import { paintOverlay } from './face-overlay';
import { hudNumbers, hudText } from './hud-text';
import type { LabelBox } from './label-layout';
import { loadFailure } from './load-failure';
import { cameraErrorText, idleText, loadFailureAlert, messageLine, noFaceMessage, saliencyBar, sampleCredit, timelineSection } from './camera-view-parts';
import { SAMPLE_CLIP } from './sample-clip';
import { GenderController } from './gender-controller';
import { cameraControls } from './camera-controls';
import { drawFrame, shownBoxes } from './stage-drawing';
import { cameraSnapshot } from '../snapshot/camera-snapshot';
import { TimelineController } from '../timeline/timeline-controller';
import '../timeline/emo-video-timeline';

type Source = 'none' | 'camera' | 'sample' | 'video' | 'photo';

/** Detail of `emo-whole-image`: the photo in which no face was found, to be read as one face. */
export interface WholeImageDetail { file: File }

/**
 * Live emotion (and optionally gender) recognition: the camera, the bundled sample clip, or a
 * photo or video file, through the worker's camera pipeline. The overlay draws each face's box
 * and a label sized for the screen; the face list below repeats every face with all seven bars;
 * the HUD line under the picture (never over it) shows frame rate, faces and milliseconds.
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
 * @fires emo-pipeline-ready - once the pipeline has loaded; detail: PipelineInfo
 * @fires emo-pipeline-error - the pipeline could not load; detail: the error message
 * @fires emo-whole-image - the user asked to read a face-less photo as a whole; detail: WholeImageDetail
 * @csspart stage - the picture and its overlay
 */
@customElement('emo-camera-view')
export class CameraView extends LitElement {
  static override styles = cameraViewStyles;

  /** Makes the worker client; tests pass a fake (undefined = the real worker). */
  @property({ attribute: false }) clientFactory?: () => PipelineClient;

  /** Saliency maps of face crops (the app passes its worker's verb); without it there are no heat-map controls. */
  @property({ attribute: false }) explain?: ExplainFn;

  /** Start the sample clip by itself when the device has no camera (the demo's default). */
  @property({ type: Boolean, attribute: 'autoplay-sample' }) autoplaySample = true;

  /** The sample clip's URL; null when the build found none in the data folder (no offer, no autoplay). */
  @property({ attribute: false }) sampleClip: string | null = SAMPLE_CLIP;

  /** The latest result with the frame pixels it was computed from (as decoded, not mirrored): the snapshot's source. */
  get lastAnalysed(): AnalysedFrame | undefined { return this._frames.lastAnalysed; }
  /** Boxes as drawn now, in the shown picture's pixels (mirrored when the picture is): the frame-truth test reads them. */
  get drawnBoxes(): [number, number, number, number][] { return this._drawnBoxes; }
  /** The latest analysed frame (tests and tools read it). */
  get lastResult(): PipelineResult | undefined { return this._frames.lastResult; }
  /** What the shown result was computed from: 'camera', 'sample' or the opened file's name ('' until the source's first result). */
  get analysedFrom(): string { return this._drawn ? this._sourceName : ''; }
  /** Frames analysed since the page loaded. */
  get framesAnalyzed(): number { return this._frames.framesAnalyzed; }
  /** Video frames skipped because the previous one was still being analysed. */
  get framesDropped(): number { return this._frames.framesDropped; }
  /** The pipeline's backend and classes, once loaded. */
  get info(): PipelineInfo | undefined { return this._frames.info; }
  /** The labels drawn on the picture last, in CSS pixels of the picture (tests check size and overlap). */
  labels: LabelBox[] = [];

  @state() private _source: Source = 'none';
  @state() private _message = '';
  @state() private _messageIsError = false;
  @state() private _offerSample = false;
  /** The camera was refused: Start becomes a secondary "Try the camera again". */
  @state() private _denied = false;
  @state() private _facing: Facing = 'user';
  /** The stage shows analysed frames (after the source's first result) instead of the live video. */
  @state() private _showingAnalysed = false;
  private _drawnBoxes: [number, number, number, number][] = [];
  /** The photo on screen, once analysed (for the no-face message and its whole-image offer). */
  @state() private _photo?: File;

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
    client: () => (this.clientFactory ?? createPipelineClient)(),
    video: () => this._video,
    gender: (): boolean => this._gender.active,
    saliency: (): { target: 'predicted' | number } | undefined => this._saliency.wanted(),
    draw: (r, image) => this._draw(r, image),
  });
  private readonly _gender: GenderController = new GenderController(this, () => this._frames.loadGender());
  private readonly _files = new FileOpenController(this, {
    accepting: () => this._frames.info !== undefined,
    photo: (file) => this._analyzePhoto(file),
    video: (url, file) => {
      this._videoName = file.name;
      return this._playVideo(url, 'video');
    },
  });
  private readonly _timeline = new TimelineController(this, {
    video: () => this._video,
    stop: () => this._frames.stop(),
    analyse: (frame, reset) => this._frames.analyzeStill(frame, reset),
    draw: (r) => void this._drawStored(r),
    resume: () => void this._video?.play().then(() => this._frames.run()),
  });
  /** The video file's name (timeline downloads); the source's name (analysedFrom); its generation, bumped by every new source: one still starting (camera permission, clip, photo decode) checks it before taking the stage. */
  private _videoName = '';
  private _sourceName = '';
  private _sourceGen = 0;
  /** Redraws the labels when the picture changes size (rotation, window resize). */
  private readonly _resize = new ResizeObserver(() => this._paint());

  override connectedCallback(): void {
    super.connectedCallback();
    void this._start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._resize.disconnect();
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
    const failed = loadFailure(f.loadError);
    const live = this._source === 'camera' || this._source === 'sample' || this._source === 'video';
    const mirror = this._source === 'camera' && this._camera.mirrored;
    const noFace = this._source === 'photo' && this._photo && this.lastResult?.faces.length === 0;
    return html`
      ${loadFailureAlert(failed)}
      ${messageLine(this._message, this._messageIsError, this._offerSample && Boolean(this.sampleClip) && this._source !== 'sample', () => void this.playSample())}
      ${f.deviceNote ? html`<p class="message" role="status" id="device-note">${f.deviceNote}</p>` : nothing}
      ${cameraControls({
        camera: this._source === 'camera', denied: this._denied, ready, facing: this._facing, devices: this._camera.devices,
        sample: Boolean(this.sampleClip), gender: this._gender,
        onStart: () => void this._startCamera(), onStop: () => this._stop(), onFacing: (e) => this._onFacing(e),
        onSample: () => void this.playSample(), onFile: this._files.onChange,
      })}
      ${this._gender.status === 'failed' ? html`<p class="message error" role="alert" id="gender-error">${this._gender.error} Emotion goes on without it.</p>` : nothing}
      <div
        class="stage ${this._source === 'none' ? 'idle' : ''} ${mirror ? 'mirror' : ''} ${this._files.dragover ? 'dragover' : ''}"
        part="stage"
        @dragover=${this._files.onDragOver}
        @dragleave=${this._files.onDragLeave}
        @drop=${this._files.onDrop}
      >
        <video ?hidden=${!live} muted playsinline loop aria-label="Video being analysed"></video>
        ${this._source === 'photo' ? html`<img src=${this._files.url} alt="Photo being analysed" />` : nothing}
        <canvas class="frame" ?hidden=${!this._showingAnalysed} aria-hidden="true"></canvas>
        ${this.explain && this._source !== 'none'
          ? html`<emo-saliency-layer .faces=${this._saliency.facesFor(this._showingAnalysed ? this.lastResult : undefined)} .frame=${this._saliency.frame} .opacity=${this._saliency.settings.opacity} ?mirror=${mirror}></emo-saliency-layer>`
          : nothing}
        <canvas class="overlay" aria-hidden="true" ?hidden=${this._source === 'none'}></canvas>
        ${this._source === 'none' ? html`<div class="empty">${idleText(ready, Boolean(failed), this._denied, Boolean(this.sampleClip))}</div>` : nothing}
      </div>
      ${this._source !== 'none' && f.framesAnalyzed
        ? html`<p class="hud" id="hud">${hudText(this._source === 'photo', hudNumbers(this._source === 'photo', f, this.lastResult))}</p>`
        : nothing}
      ${noFace ? noFaceMessage(() => this._onWholeImage()) : nothing}
      ${this.explain && this._source !== 'none'
        ? saliencyBar({ classes: f.info?.emotionClasses ?? [], settings: this._saliency.settings, ready, capture: this._capture, canSnap: Boolean(this.lastResult?.faces.length), error: this._saliency.error, onChange: (e) => this._onSaliency(e) })
        : nothing}
      ${ready && (this._source === 'video' || this._source === 'sample')
        ? timelineSection({ classes: f.info?.emotionClasses ?? [], genderClasses: f.info?.genderClasses ?? [], file: this._source === 'sample' ? 'video_01.mp4' : this._videoName, duration: this._video?.duration ?? 0, timeline: this._timeline })
        : nothing}
      <emo-face-list .faces=${this._source === 'none' ? [] : ((this._timeline.pinned ?? this.lastResult)?.faces ?? [])} .classes=${f.info?.emotionClasses ?? []}></emo-face-list>
      ${this._source === 'sample' ? sampleCredit() : nothing}
    `;
  }

  protected override firstUpdated(): void {
    if (this._stage) this._resize.observe(this._stage);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this._stage) {
      const [w, h] = this._frames.frameSize;
      this._stage.style.aspectRatio = this._source === 'none' ? '' : `${w} / ${h}`;
      this._stage.style.setProperty('--ar', String(w / h));
    }
  }

  private async _start(): Promise<void> {
    if (!(await this._frames.load())) {
      this.dispatchEvent(new CustomEvent('emo-pipeline-error', { detail: this._frames.loadError, bubbles: true, composed: true }));
      return;
    }
    this.dispatchEvent(new CustomEvent('emo-pipeline-ready', { detail: this._frames.info, bubbles: true, composed: true }));
    this._gender.pipelineReady();
    const cams = await this._camera.refresh();
    if (cams === 0) {
      if (!this.sampleClip) {
        this._showMessage('No camera was found on this device: open a photo or video instead.', false, false);
        return;
      }
      // A photo or video opened while the page was starting stays: the clip does not replace it.
      const autoplay = this.autoplaySample && this._source === 'none';
      if (autoplay) await this.playSample();
      this._showMessage(`No camera was found on this device, so ${autoplay ? 'the sample clip plays instead' : 'try the sample clip'}.`, false, true);
    }
  }

  private _showMessage(text: string, error: boolean, offerSample: boolean): void {
    this._message = text;
    this._messageIsError = error;
    this._offerSample = offerSample;
  }

  /** A new source (`name`; '' none): the loop stops, the timeline is cleared, nothing analysed is shown until its first result. */
  private _newSource(name: string): number {
    this._sourceName = name;
    this._frames.stop();
    this._timeline.reset();
    this._frames.forget();
    this._showingAnalysed = false;
    this._drawnBoxes = [];
    this._drawn = undefined;
    this.labels = [];
    for (const c of [this._canvas, this._frameCanvas]) c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    return ++this._sourceGen;
  }

  private async _startCamera(): Promise<void> {
    const gen = this._newSource('camera');
    try {
      const stream = await this._camera.start(this._facing);
      if (gen !== this._sourceGen) return this._camera.release(stream); // another source was chosen during the permission prompt
      this._files.revoke();
      this._message = '';
      this._denied = false;
      this._source = 'camera';
      await this.updateComplete;
      const v = this._video!;
      v.srcObject = stream;
      await v.play();
      if (gen === this._sourceGen) this._frames.run();
    } catch (e) {
      if (gen !== this._sourceGen) return;
      const text = cameraErrorText(e, Boolean(this.sampleClip));
      this._showMessage(text, true, true);
      this._denied = true;
      this._source = 'none';
    }
  }

  private _stop(): void {
    this._newSource('');
    this._camera.stop();
    const v = this._video;
    if (v) v.srcObject = null;
    this._source = 'none';
  }

  private async _playVideo(url: string, source: 'sample' | 'video'): Promise<void> {
    const gen = this._newSource(source === 'sample' ? 'sample' : this._videoName);
    this._camera.stop();
    this._source = source;
    this._photo = undefined;
    if (source === 'sample') this._message = '';
    await this.updateComplete;
    if (gen !== this._sourceGen) return; // another source came first: the clip is not even loaded
    const v = this._video!;
    v.srcObject = null;
    v.src = url;
    try {
      await v.play();
    } catch (e) {
      if (gen === this._sourceGen) this._showMessage(`The video could not play: ${e instanceof Error ? e.message : String(e)}`, true, source !== 'sample');
      return;
    }
    if (gen === this._sourceGen) this._frames.run();
  }

  private async _analyzePhoto(file: File): Promise<void> {
    const gen = this._newSource(file.name);
    this._camera.stop();
    this._source = 'photo';
    this._photo = undefined;
    this._message = '';
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (e) {
      if (gen === this._sourceGen) this._showMessage(`${file.name} could not be read as an image (${e instanceof Error ? e.message : String(e)}).`, true, false);
      return;
    }
    // Another source chosen while the photo was decoding: this photo is not analysed over it.
    if (gen !== this._sourceGen) return bitmap.close();
    await this._frames.analyzePhoto(bitmap);
    if (gen === this._sourceGen) this._photo = file;
  }

  /**
   * Draws the analysed frame on the `frame` canvas (mirrored for a front camera) and schedules its
   * overlay: boxes and labels painted at the picture's CSS size once the picture has its new size.
   */
  private _draw(r: PipelineResult, image: ImageBitmap): void {
    const fc = this._frameCanvas;
    if (!fc) return;
    const mirror = this._source === 'camera' && this._camera.mirrored;
    drawFrame(fc, r, image, mirror);
    this._drawn = r;
    this._drawnBoxes = shownBoxes(r, mirror);
    this._showingAnalysed = true;
    this._paint(); // at once, so that frame and boxes change together; again after a resize
    void this.updateComplete.then(() => this._paint());
  }

  /**
   * A timeline point: the stored result over the video's frame at that time (the frame it was
   * computed from, read again once the seek has landed), through the same frame canvas.
   */
  private async _drawStored(r: PipelineResult): Promise<void> {
    const v = this._video;
    if (!v) return;
    if (v.seeking) await new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
    if (this._timeline.pinned !== r) return; // another point was chosen meanwhile
    const image = await createImageBitmap(v);
    try {
      this._draw(r, image);
    } finally {
      image.close();
    }
  }

  private _onWholeImage(): void {
    if (!this._photo) return;
    this.dispatchEvent(new CustomEvent<WholeImageDetail>('emo-whole-image', { detail: { file: this._photo }, bubbles: true, composed: true }));
  }

  /** The snapshot card's input: the analysed frame (`lastAnalysed`) in colour, heat maps only when they are on. */
  private readonly _capture = () =>
    cameraSnapshot(this.lastAnalysed, this._frames.info?.emotionClasses ?? [], (track) => this._saliency.heatMap(track), this._saliency.settings.opacity);

  /** The result whose boxes and labels are on the overlay. */
  private _drawn?: PipelineResult;

  /** Paints the drawn result at the picture's CSS size × devicePixelRatio: labels in CSS pixels stay sharp and readable. */
  private _paint(): void {
    const c = this._canvas, r = this._drawn;
    if (!c || !r) return;
    this.labels = paintOverlay(c, r, this._source === 'camera' && this._camera.mirrored, this._frames.info?.emotionClasses ?? []);
  }

  private _onFacing(e: Event): void {
    this._facing = (e.target as HTMLSelectElement).value as Facing;
    if (this._source === 'camera') void this._startCamera();
  }

  private _onSaliency(e: CustomEvent<SaliencySettings>): void {
    this._saliency.set(e.detail);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-camera-view': CameraView;
  }
}
