import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SaliencyAnswer } from '../../worker/api';
import { DEFAULT_SALIENCY, type SaliencySettings } from './emo-saliency-controls';
import type { SnapshotInput } from '../snapshot/snapshot-card';
import { displayName } from '../common/styles';
import './emo-saliency-controls';
import './emo-saliency-overlay';
import '../snapshot/emo-snapshot-button';

/** Asks the worker for saliency maps (InferenceController.saliency in the app). */
export type ExplainFn = (gray: Uint8Array, n: number, target: number[] | 'predicted') => Promise<SaliencyAnswer>;

/**
 * The photo view's saliency card: the controls (heat map on/off, opacity, which class to explain),
 * the crop with its heat map, and the snapshot button whose card shows the same face and map.
 * Maps are requested when the crop or the target changes, latest request wins.
 *
 * @fires emo-saliency-change - bubbled from the controls; detail: SaliencySettings
 */
@customElement('emo-saliency-panel')
export class SaliencyPanel extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      gap: 0.75rem;
      font-family: var(--emo-font);
      color: var(--emo-fg);
    }
    figure {
      margin: 0;
    }
    figcaption {
      margin-top: 0.3rem;
      font-size: 0.85rem;
      color: var(--emo-muted);
    }
    .error {
      margin: 0;
      color: var(--emo-danger-fg);
    }
  `;

  /** The size×size gray crop the model saw (undefined before a photo). */
  @property({ attribute: false }) gray?: Uint8Array;
  @property({ type: Number }) size = 48;
  /** Class names in model order. */
  @property({ attribute: false }) classes: readonly string[] = [];
  /** The crop's probabilities (classify's answer). */
  @property({ attribute: false }) probs?: ArrayLike<number>;
  /** Computes maps; without it the panel shows nothing. */
  @property({ attribute: false }) explain?: ExplainFn;

  @state() settings: SaliencySettings = DEFAULT_SALIENCY;
  /** The latest map and the class it explains. */
  @state() map?: Float32Array;
  @state() mapTarget?: number;
  @state() private _error = '';
  private _request = 0;

  override render() {
    if (!this.explain || !this.gray) return nothing;
    const s = this.settings;
    const label = this.mapTarget !== undefined ? `Heat map: what makes it look ${this.classes[this.mapTarget]}` : 'Face crop';
    return html`
      <emo-saliency-controls .classes=${this.classes} .settings=${s} @emo-saliency-change=${this._onSettings}></emo-saliency-controls>
      ${s.enabled
        ? html`<figure>
            <emo-saliency-overlay .face=${this.gray} .size=${this.size} .map=${this.map} .opacity=${s.opacity} .label=${label}></emo-saliency-overlay>
            <figcaption aria-live="polite">${this.map && this.mapTarget !== undefined
              ? `Where the model looked for “${displayName(this.classes[this.mapTarget])}”: brighter = a small change there moves that score more.`
              : 'Computing the heat map…'}</figcaption>
          </figure>`
        : nothing}
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
      <div><emo-snapshot-button .capture=${this._capture} ?disabled=${!this.probs}></emo-snapshot-button></div>
    `;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('gray')) {
      this.map = undefined;
      this.mapTarget = undefined;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if ((changed.has('gray') || changed.has('explain')) && this.settings.enabled) void this._fetch();
  }

  private _onSettings(e: CustomEvent<SaliencySettings>): void {
    const old = this.settings;
    this.settings = e.detail;
    if (e.detail.enabled && (!old.enabled || old.target !== e.detail.target || !this.map)) void this._fetch();
  }

  /** Requests the map for the current crop and target; an older answer arriving late is dropped. */
  private async _fetch(): Promise<{ map: Float32Array; target: number } | undefined> {
    if (!this.explain || !this.gray) return undefined;
    const id = ++this._request;
    const t = this.settings.target;
    try {
      const r = await this.explain(this.gray, 1, t === 'predicted' ? t : [t]);
      if (id !== this._request) return undefined;
      this.map = r.maps;
      this.mapTarget = r.targets[0];
      this._error = '';
      return { map: r.maps, target: r.targets[0] };
    } catch (e) {
      if (id === this._request) this._error = `The heat map failed: ${e instanceof Error ? e.message : String(e)}`;
      return undefined;
    }
  }

  /** The snapshot: this crop, its probabilities and its map (computed now if the heat map is off). */
  private readonly _capture = async (): Promise<SnapshotInput | undefined> => {
    if (!this.gray || !this.probs) return undefined;
    const time = new Date();
    const m = this.map && this.mapTarget !== undefined ? { map: this.map, target: this.mapTarget } : await this._fetch();
    return {
      faces: [{ crop: this.gray, size: this.size, probs: this.probs, map: m?.map, target: m?.target }],
      classes: this.classes,
      time,
      opacity: this.settings.opacity,
    };
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-saliency-panel': SaliencyPanel;
  }
}
