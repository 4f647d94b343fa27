import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { visuallyHidden } from '../common/styles';
import { emotionAdjective } from '../common/words';

/** What the heat map shows: on/off, its opacity, and which class it explains. */
export interface SaliencySettings {
  enabled: boolean;
  /** 0..1 at the hottest pixels. */
  opacity: number;
  /** A class index, or 'predicted' for each face's most likely class. */
  target: number | 'predicted';
}

export const DEFAULT_SALIENCY: SaliencySettings = { enabled: false, opacity: 0.75, target: 'predicted' };

/**
 * The saliency controls: a switch that shows the heat map over each face, its opacity, and a class
 * picker that asks "what makes this face look surprised?" (the map of that class's score instead
 * of the predicted one's). The options are short ("looking surprised"): the widest option sets the
 * select's width, and on a 320 px phone a long one pushed the page sideways.
 *
 * @fires emo-saliency-change - on any change; detail: SaliencySettings
 */
@customElement('emo-saliency-controls')
export class SaliencyControls extends LitElement {
  static override styles = [
    visuallyHidden,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        font-family: var(--emo-font);
        color: var(--emo-fg);
      }
      label {
        display: inline-flex;
        gap: 0.4rem;
        align-items: center;
      }
      input[type='checkbox'] {
        width: 1.2rem;
        height: 1.2rem;
        accent-color: var(--emo-accent);
      }
      input[type='range'] {
        accent-color: var(--emo-accent);
        width: 7rem;
      }
      label {
        max-width: 100%;
      }
      select {
        font: inherit;
        min-width: 0;
        max-width: 100%;
        min-height: 2.2rem;
        padding: 0.2rem 0.5rem;
        border-radius: 8px;
        border: 1px solid var(--emo-border);
        background: var(--emo-surface);
        color: var(--emo-fg);
      }
      input:focus-visible,
      select:focus-visible {
        outline: var(--emo-focus);
        outline-offset: 2px;
      }
      :host([disabled]) {
        opacity: 0.55;
      }
    `,
  ];

  /** Class names in model order (the picker's options). */
  @property({ attribute: false }) classes: readonly string[] = [];

  /** The current settings (the element reflects them and fires changes; the host owns them). */
  @property({ attribute: false }) settings: SaliencySettings = DEFAULT_SALIENCY;

  /** Disables every control. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  override render() {
    const s = this.settings;
    const off = this.disabled || !s.enabled;
    return html`
      <label>
        <input id="saliency" type="checkbox" role="switch" .checked=${s.enabled} ?disabled=${this.disabled} @change=${this._onToggle} />
        Saliency heat map
      </label>
      <label>
        <span>Opacity</span>
        <input id="opacity" type="range" min="0" max="100" step="5" .value=${String(Math.round(s.opacity * 100))} ?disabled=${off}
          aria-valuetext=${`${Math.round(s.opacity * 100)}%`} @input=${this._onOpacity} />
      </label>
      <label>
        <span>Explain</span>
        <select id="target" ?disabled=${off} @change=${this._onTarget}>
          <option value="predicted" ?selected=${s.target === 'predicted'}>the predicted emotion</option>
          ${this.classes.map((c, i) => html`<option value=${i} ?selected=${s.target === i}>looking ${emotionAdjective(c)}</option>`)}
        </select>
        <span class="visually-hidden">${s.target === 'predicted' ? '' : `Showing what makes a face look ${emotionAdjective(this.classes[s.target] ?? '')}`}</span>
      </label>
    `;
  }

  private _emit(patch: Partial<SaliencySettings>): void {
    this.settings = { ...this.settings, ...patch };
    this.dispatchEvent(new CustomEvent<SaliencySettings>('emo-saliency-change', { detail: this.settings, bubbles: true, composed: true }));
  }

  private _onToggle(e: Event): void {
    this._emit({ enabled: (e.target as HTMLInputElement).checked });
  }

  private _onOpacity(e: Event): void {
    this._emit({ opacity: Number((e.target as HTMLInputElement).value) / 100 });
  }

  private _onTarget(e: Event): void {
    const v = (e.target as HTMLSelectElement).value;
    this._emit({ target: v === 'predicted' ? 'predicted' : Number(v) });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-saliency-controls': SaliencyControls;
  }
}
