import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * An error the user must see: a `role="alert"` region (always in the tree, so assistive
 * technology announces a message when it appears), hidden while empty.
 *
 * @csspart alert - the alert box
 */
@customElement('emo-error-alert')
export class ErrorAlert extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--emo-font);
    }
    :host([empty]) {
      display: none;
    }
    .alert.empty {
      display: none;
    }
    .alert {
      background: var(--emo-danger-bg);
      color: var(--emo-danger-fg);
      border: 1px solid currentColor;
      border-radius: var(--emo-radius);
      padding: 0.75rem 1rem;
      overflow-wrap: anywhere;
    }
    .title {
      font-weight: 700;
      margin-right: 0.35rem;
    }
  `;

  /** The message; empty hides the box. */
  @property() message = '';

  /** A short lead-in shown in bold before the message. */
  @property() heading = 'Error:';

  protected override willUpdate() {
    this.toggleAttribute('empty', !this.message);
  }

  override render() {
    return html`<div class=${this.message ? 'alert' : 'alert empty'} part="alert" role="alert">${this.message
      ? html`<span class="title">${this.heading}</span><span class="message">${this.message}</span>`
      : nothing}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-error-alert': ErrorAlert;
  }
}
