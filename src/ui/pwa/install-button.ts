import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PwaSource } from '../../sw/client';
import { PwaController } from './pwa-controller';

/**
 * "Install app" when the browser offers installation (the deferred `beforeinstallprompt`); on
 * iOS, which has no prompt, a short Add to Home Screen hint instead. Nothing once installed.
 *
 * @csspart button - the install button
 * @csspart hint - the iOS hint
 */
@customElement('emo-install-button')
export class InstallButton extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      font-family: var(--emo-font);
    }
    :host([hidden]) {
      display: none;
    }
    button {
      font: inherit;
      font-size: 0.9rem;
      font-weight: 600;
      padding: 0.3rem 0.9rem;
      border-radius: 999px;
      border: 1px solid var(--emo-accent);
      background: transparent;
      color: var(--emo-accent);
      cursor: pointer;
    }
    button:focus-visible {
      outline: var(--emo-focus);
      outline-offset: 3px;
    }
    .hint {
      margin: 0;
      font-size: 0.9rem;
      color: var(--emo-muted);
    }
  `;

  /** Where the state comes from; defaults to the page's service worker client. */
  @property({ attribute: false }) source?: PwaSource;

  private readonly _pwa = new PwaController(this, () => this.source);

  protected override willUpdate() {
    const { installable, installed, ios } = this._pwa.state;
    this.hidden = installed || (!installable && !ios);
  }

  override render() {
    const { installable, installed, ios } = this._pwa.state;
    if (installed) return nothing;
    if (installable) return html`<button part="button" type="button" @click=${this._onInstall}>Install app</button>`;
    if (ios) {
      return html`<p class="hint" part="hint">To install: tap <strong>Share</strong>, then <strong>Add to Home Screen</strong>.</p>`;
    }
    return nothing;
  }

  private _onInstall() {
    void this._pwa.client.install();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-install-button': InstallButton;
  }
}
