import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { BENCH_UNAVAILABLE } from '../../bench/view/bench-route';

/**
 * The footer's "Benchmarks" link (the #bench route). The benchmark page is not stored for offline
 * use (it bundles two other runtimes); when it cannot load, this says so beside the link instead of
 * leaving the error in the console.
 */
@customElement('emo-bench-link')
export class BenchLink extends LitElement {
  static override styles = css`
    :host {
      display: inline;
    }
    a {
      color: var(--emo-accent);
      border-radius: 3px;
    }
    a:focus-visible {
      outline: var(--emo-focus);
      outline-offset: 2px;
    }
    .note {
      display: block;
      margin-top: 0.4rem;
      color: var(--emo-danger-fg);
      background: var(--emo-danger-bg);
      padding: 0.4rem 0.6rem;
      border-radius: 6px;
    }
  `;

  @state() private _note = '';

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener(BENCH_UNAVAILABLE, this._onUnavailable);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener(BENCH_UNAVAILABLE, this._onUnavailable);
  }

  private readonly _onUnavailable = (): void => {
    this._note = navigator.onLine
      ? 'The benchmark page could not be loaded from this site. Try again later.'
      : 'The benchmark page needs a network connection: it is not stored for offline use.';
  };

  override render() {
    return html`<a href="#bench" @click=${() => (this._note = '')}>Benchmarks</a> of the kernels on this device.
      ${this._note ? html`<span class="note" role="alert" id="bench-note">${this._note}</span>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-bench-link': BenchLink;
  }
}
