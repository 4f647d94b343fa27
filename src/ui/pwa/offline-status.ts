import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PwaSource } from '../../sw/client';
import { PwaController } from './pwa-controller';

/**
 * "Available offline" once the service worker has precached the app and its weights, and
 * "Offline" while the browser has no network (the app keeps working from its own copy).
 *
 * @csspart badge - the badge
 */
@customElement('emo-offline-status')
export class OfflineStatus extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      font-family: var(--emo-font);
    }
    :host([hidden]) {
      display: none;
    }
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      font-size: 0.9rem;
      color: var(--emo-muted);
    }
    .dot {
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: var(--emo-ok);
    }
    .offline .dot {
      background: var(--emo-warn);
    }
  `;

  /** Where the state comes from; defaults to the page's service worker client. */
  @property({ attribute: false }) source?: PwaSource;

  @state() private _online = navigator.onLine;

  private readonly _pwa = new PwaController(this, () => this.source);
  private readonly _onNetwork = () => (this._online = navigator.onLine);

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('online', this._onNetwork);
    addEventListener('offline', this._onNetwork);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('online', this._onNetwork);
    removeEventListener('offline', this._onNetwork);
  }

  protected override willUpdate() {
    this.hidden = !this._pwa.state.offlineReady && this._online;
  }

  override render() {
    const ready = this._pwa.state.offlineReady;
    if (!ready && this._online) return nothing;
    const label = this._online ? 'Available offline' : ready ? 'Offline: running from this device' : 'Offline';
    return html`<span class="badge ${this._online ? '' : 'offline'}" part="badge" role="status" data-offline-ready=${ready}
      ><span class="dot" aria-hidden="true"></span>${label}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-offline-status': OfflineStatus;
  }
}
