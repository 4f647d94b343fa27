import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { decodeImage, toGrayCrop } from '../../vision/to-gray-crop';
import type { BackendChoice, ModelName, PipelineInfo } from '../../worker/api';
import type { PipelineClient } from '../../worker/pipeline-client';
import { InferenceController, type ClientFactory } from '../photo/inference-controller';
import { card, page, tokens } from '../common/styles';
import './backend-notice';
import './bench-link';
import '../photo/crop-preview';
import '../common/emotion-meter';
import '../saliency/emo-saliency-panel';
import '../common/error-alert';
import '../camera/camera-view';
import '../pwa/install-button';
import '../pwa/offline-status';
import '../pwa/update-prompt';
import type { WholeImageDetail } from '../camera/camera-view';

/**
 * The emolens page: one way in (camera, sample clip, or a photo or video opened or dropped on the
 * live view, where faces are found); one plain line on which backend runs what; and, only when the
 * user asks for it after no face was found in a photo, the whole picture read as one face.
 * Mirrors its load state on `<html data-emolens-state="loading|ready|error">`.
 *
 * The backend can be forced with `?backend=cpu|wasm|webgpu` in the page URL.
 */
@customElement('emo-app-shell')
export class AppShell extends LitElement {
  static override styles = [
    tokens,
    card,
    page,
    css`
      main {
        max-width: 64rem;
        min-width: 0;
      }
      h1 {
        margin: 0;
        font-size: clamp(1.5rem, 4vw, 2rem);
      }
      h2 {
        margin: 0 0 0.75rem;
        font-size: 1.2rem;
      }
      header p {
        margin: 0.25rem 0 0;
        color: var(--emo-muted);
      }
      .app-bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin-top: 0.5rem;
      }
      .card {
        min-width: 0;
      }
      emo-backend-notice {
        margin-bottom: 0.75rem;
      }
      .results {
        display: grid;
        gap: var(--emo-gap);
        grid-template-columns: 1fr;
      }
      @media (min-width: 42rem) {
        .results {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr);
        }
      }
      .results h2,
      .results .warning {
        grid-column: 1 / -1;
        margin: 0;
      }
      .warning {
        color: var(--emo-warn);
      }
      .status {
        color: var(--emo-muted);
        margin: 0;
      }
      footer {
        font-size: 0.85rem;
        color: var(--emo-muted);
      }
    `,
  ];

  /** Which model to load. */
  @property() model: ModelName = 'emotion';

  /** Backend choice; the page URL's ?backend= overrides it. */
  @property() backend: BackendChoice = 'auto';

  /** Makes the classifier worker client; tests pass a fake. */
  @property({ attribute: false }) clientFactory?: ClientFactory;

  /** Makes the camera pipeline's worker client; tests pass a fake. */
  @property({ attribute: false }) pipelineFactory?: () => PipelineClient;

  /** The camera pipeline's load answer (its backend is the classifier's too). */
  @state() private _pipeline?: PipelineInfo;
  @state() private _pipelineError = false;

  @state() private _imageUrl = '';
  @state() private _imageName = '';
  @state() private _gray?: Uint8Array;
  @state() private _probs?: Float32Array;
  @state() private _imageError = '';
  @state() private _busy = false;

  private readonly _inference = new InferenceController(
    this,
    // The pipeline's backend, not a second timing of its own: two workers timing the backends
    // separately answered differently, and the page said "webgpu" and "CPU" at once.
    () => ({ model: this.model, backend: this._pipeline?.stages?.emotion ?? this._pipeline?.backend ?? this._backendChoice(), typicalBatch: 1 }),
    () => this.clientFactory,
    false,
  );

  override render() {
    const inf = this._inference;
    return html`<main aria-busy=${this._state() === 'loading' || this._busy ? 'true' : 'false'}>
      <header>
        <h1>emolens</h1>
        <p>Facial emotion recognition that runs entirely in your browser.</p>
        <div class="app-bar"><emo-offline-status></emo-offline-status><emo-install-button></emo-install-button></div>
      </header>
      <emo-update-prompt></emo-update-prompt>
      <emo-error-alert heading="The heat-map model could not start:" .message=${inf.state === 'error' ? inf.error : ''}></emo-error-alert>
      <section class="card" aria-labelledby="live-heading">
        <h2 id="live-heading">Faces</h2>
        <emo-backend-notice .pipeline=${this._pipeline} .classifier=${inf.result} .event=${inf.event}></emo-backend-notice>
        <emo-camera-view .explain=${this._explain} .clientFactory=${this.pipelineFactory ?? undefined}
          @emo-pipeline-ready=${this._onPipeline} @emo-pipeline-error=${this._onPipelineError} @emo-whole-image=${this._onWholeImage}></emo-camera-view>
      </section>
      <emo-error-alert heading="That image could not be read:" .message=${this._imageError}></emo-error-alert>
      ${this._imageUrl ? this._renderWhole() : nothing}
      <footer>
        Everything is computed on this device. <emo-bench-link></emo-bench-link>
      </footer>
    </main>`;
  }

  /** The whole picture read as one face: only after "no face found" and the user's explicit choice. */
  private _renderWhole() {
    const inf = this._inference;
    return html`<section class="results card" aria-labelledby="whole-heading" id="whole-image-result">
      <h2 id="whole-heading">The whole picture, read as one face</h2>
      <p class="warning">No face was found in ${this._imageName}, so this reads the centre square of the picture as if it were
        a face. It is a guess about the picture, not about a person in it.</p>
      <div>
        <emo-crop-preview .src=${this._imageUrl} .name=${this._imageName} .gray=${this._gray} .size=${inf.result?.inputSize ?? 48}></emo-crop-preview>
      </div>
      ${this._probs && inf.result
        ? html`<div><emo-emotion-meter .classes=${inf.result.classes} .probs=${this._probs}></emo-emotion-meter></div>`
        : this._busy ? html`<p class="status" role="status">Reading the picture…</p>` : nothing}
      ${this._gray && inf.result
        ? html`<div><emo-saliency-panel .gray=${this._gray} .size=${inf.result.inputSize} .classes=${inf.result.classes}
            .probs=${this._probs} .explain=${this._explain}></emo-saliency-panel></div>`
        : nothing}
    </section>`;
  }

  /** loading until both workers answer; error when either cannot start. */
  private _state(): 'loading' | 'ready' | 'error' {
    if (this._pipelineError || this._inference.state === 'error') return 'error';
    return this._pipeline && this._inference.state === 'ready' ? 'ready' : 'loading';
  }

  private _onPipeline(e: CustomEvent<PipelineInfo>) {
    this._pipeline = e.detail;
    void this._inference.start();
  }

  private _onPipelineError() {
    this._pipelineError = true;
  }

  private async _onWholeImage(e: CustomEvent<WholeImageDetail>) {
    await this._onImage(e.detail.file);
    await this.updateComplete;
    this.renderRoot.querySelector('#whole-image-result')?.scrollIntoView({ block: 'nearest' });
  }

  /** The saliency panel's map source: the worker's saliency verb. */
  private readonly _explain = (gray: Uint8Array, n: number, target: number[] | 'predicted') => this._inference.saliency(gray, n, target);

  protected override updated(changed: PropertyValues<this>) {
    super.updated(changed);
    document.documentElement.dataset.emolensState = this._state();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    if (this._imageUrl) URL.revokeObjectURL(this._imageUrl);
  }

  private _backendChoice(): BackendChoice {
    const q = new URLSearchParams(location.search).get('backend');
    return q === 'cpu' || q === 'wasm' || q === 'webgpu' || q === 'auto' ? q : this.backend;
  }

  private async _onImage(file: File) {
    if (this._imageUrl) URL.revokeObjectURL(this._imageUrl);
    this._imageUrl = URL.createObjectURL(file);
    this._imageName = file.name;
    this._gray = undefined;
    this._probs = undefined;
    this._imageError = '';
    this._busy = true;
    try {
      const bitmap = await decodeImage(file, file.name);
      const gray = toGrayCrop(bitmap, this._inference.result?.inputSize ?? 48);
      bitmap.close();
      this._gray = gray;
      this._probs = await this._inference.classify(gray, 1);
    } catch (err) {
      this._imageError = err instanceof Error ? err.message : String(err);
      URL.revokeObjectURL(this._imageUrl);
      this._imageUrl = '';
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-app-shell': AppShell;
  }
}
