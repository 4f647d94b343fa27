import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { decodeImage, toGrayCrop } from '../../vision/to-gray-crop';
import type { BackendChoice, ModelName } from '../../worker/api';
import { InferenceController, type ClientFactory } from '../photo/inference-controller';
import { card, page, tokens } from '../common/styles';
import './backend-notice';
import '../photo/crop-preview';
import '../common/emotion-meter';
import '../saliency/emo-saliency-panel';
import '../common/error-alert';
import '../camera/camera-view';
import '../photo/image-picker';
import '../pwa/install-button';
import '../pwa/offline-status';
import '../pwa/update-prompt';
import type { ImageSelectedDetail } from '../photo/image-picker';

/**
 * The emolens page: pick or drop a photo, see the seven emotion probabilities and which backend
 * computed them. Mirrors its load state on `<html data-emolens-state="loading|ready|error">`.
 *
 * The backend can be forced with `?backend=cpu|webgpu` in the page URL.
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
      .results {
        display: grid;
        gap: var(--emo-gap);
        grid-template-columns: 1fr;
      }
      @media (min-width: 42rem) {
        .results.has-image {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr);
        }
      }
      .status {
        color: var(--emo-muted);
        margin: 0;
      }
      footer {
        font-size: 0.85rem;
        color: var(--emo-muted);
      }
      a {
        color: var(--emo-accent);
      }
    `,
  ];

  /** Which model to load. */
  @property() model: ModelName = 'emotion';

  /** Backend choice; the page URL's ?backend= overrides it. */
  @property() backend: BackendChoice = 'auto';

  /** Makes the worker client; tests pass a fake. */
  @property({ attribute: false }) clientFactory?: ClientFactory;

  @state() private _imageUrl = '';
  @state() private _imageName = '';
  @state() private _gray?: Uint8Array;
  @state() private _probs?: Float32Array;
  @state() private _imageError = '';
  @state() private _busy = false;

  private readonly _inference = new InferenceController(
    this,
    () => ({ model: this.model, backend: this._backendChoice(), typicalBatch: 1 }),
    () => this.clientFactory,
  );

  override render() {
    const inf = this._inference;
    const ready = inf.state === 'ready';
    return html`<main aria-busy=${inf.state === 'loading' || this._busy ? 'true' : 'false'}>
      <header>
        <h1>emolens</h1>
        <p>Facial emotion recognition that runs entirely in your browser.</p>
        <div class="app-bar"><emo-offline-status></emo-offline-status><emo-install-button></emo-install-button></div>
      </header>
      <emo-update-prompt></emo-update-prompt>
      <emo-error-alert heading="The model could not start:" .message=${inf.state === 'error' ? inf.error : ''}></emo-error-alert>
      <emo-error-alert heading="That image could not be read:" .message=${this._imageError}></emo-error-alert>
      ${inf.state === 'loading' ? html`<p class="status" role="status">Loading the model…</p>` : ''}
      <section class="card" aria-labelledby="live-heading">
        <h2 id="live-heading">Faces, live</h2>
        <emo-camera-view .explain=${this._explain}></emo-camera-view>
      </section>
      <h2>One photo, centre crop</h2>
      <emo-backend-notice .result=${inf.result} .event=${inf.event}></emo-backend-notice>
      <emo-image-picker ?disabled=${!ready} @emo-image-selected=${this._onImage}></emo-image-picker>
      <section class="results ${this._imageUrl ? 'has-image' : ''}" aria-label="Result">
        ${this._imageUrl
          ? html`<div class="card">
              <emo-crop-preview .src=${this._imageUrl} .name=${this._imageName} .gray=${this._gray}
                .size=${inf.result?.inputSize ?? 48}></emo-crop-preview>
            </div>`
          : ''}
        ${this._probs && inf.result
          ? html`<div class="card"><emo-emotion-meter .classes=${inf.result.classes} .probs=${this._probs}></emo-emotion-meter></div>`
          : ''}
        ${this._gray && inf.result
          ? html`<div class="card"><emo-saliency-panel .gray=${this._gray} .size=${inf.result.inputSize} .classes=${inf.result.classes}
              .probs=${this._probs} .explain=${this._explain}></emo-saliency-panel></div>`
          : ''}
      </section>
      <footer>
        The photo is cropped to its centre square and reduced to ${inf.result?.inputSize ?? 48}×${inf.result?.inputSize ?? 48}
        gray pixels; for best results use a photo of one face that fills the frame.
        <a href="#bench">Benchmarks</a> of the kernels on this device.
      </footer>
    </main>`;
  }

  /** The saliency panel's map source: the worker's saliency verb. */
  private readonly _explain = (gray: Uint8Array, n: number, target: number[] | 'predicted') => this._inference.saliency(gray, n, target);

  protected override updated(changed: PropertyValues<this>) {
    super.updated(changed);
    document.documentElement.dataset.emolensState = this._inference.state;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    if (this._imageUrl) URL.revokeObjectURL(this._imageUrl);
  }

  private _backendChoice(): BackendChoice {
    const q = new URLSearchParams(location.search).get('backend');
    return q === 'cpu' || q === 'wasm' || q === 'webgpu' || q === 'auto' ? q : this.backend;
  }

  private async _onImage(e: CustomEvent<ImageSelectedDetail>) {
    const { file } = e.detail;
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
