import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PwaSource } from '../../sw/client';
import { PwaController } from './pwa-controller';

/**
 * Offers a downloaded new version: a `role="status"` bar with an Update button. The page keeps
 * running (and the service worker keeps serving) the current version, code and weights alike,
 * until the user presses it; then the new worker takes over and the page reloads once.
 *
 * @csspart bar - the bar
 * @csspart button - the Update button
 */
@customElement('emo-update-prompt')
export class UpdatePrompt extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--emo-font);
    }
    :host([hidden]) {
      display: none;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem 1rem;
      background: var(--emo-info-bg);
      color: var(--emo-info-fg);
      border: 1px solid currentColor;
      border-radius: var(--emo-radius);
      padding: 0.6rem 1rem;
    }
    button {
      font: inherit;
      font-weight: 600;
      padding: 0.4rem 1rem;
      border-radius: 999px;
      border: 0;
      background: var(--emo-accent);
      color: var(--emo-accent-fg);
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.6;
      cursor: progress;
    }
    button:focus-visible {
      outline: var(--emo-focus);
      outline-offset: 3px;
    }
  `;

  /** Where the state comes from; defaults to the page's service worker client. */
  @property({ attribute: false }) source?: PwaSource;

  private readonly _pwa = new PwaController(this, () => this.source);

  protected override willUpdate() {
    this.hidden = !this._pwa.state.updateWaiting;
  }

  override render() {
    const { updateWaiting, updating } = this._pwa.state;
    if (!updateWaiting) return nothing;
    return html`<div class="bar" part="bar" role="status">
      <span>A new version of emolens is ready. It is used after a reload.</span>
      <button part="button" type="button" ?disabled=${updating} @click=${this._onUpdate}>${updating ? 'Updating…' : 'Update'}</button>
    </div>`;
  }

  private _onUpdate() {
    void this._pwa.client.applyUpdate();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-update-prompt': UpdatePrompt;
  }
}
