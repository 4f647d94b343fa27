import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LoadResult } from '../../worker/api';

/**
 * Which backend runs the model and why (a `role="status"` note), plus any later event such as a
 * lost GPU device.
 *
 * @csspart notice - the note box
 */
@customElement('emo-backend-notice')
export class BackendNotice extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--emo-font);
    }
    :host([empty]) {
      display: none;
    }
    .notice {
      background: var(--emo-info-bg);
      color: var(--emo-info-fg);
      border-radius: var(--emo-radius);
      padding: 0.6rem 1rem;
      font-size: 0.95rem;
    }
    .backend {
      font-weight: 700;
    }
    .event {
      margin: 0.35rem 0 0;
    }
  `;

  /** The worker's answer to load(); nothing is shown before it. */
  @property({ attribute: false }) result?: LoadResult;

  /** The latest event worth telling (device lost, rebuilt), or ''. */
  @property() event = '';

  protected override willUpdate() {
    this.toggleAttribute('empty', !this.result && !this.event);
  }

  override render() {
    const r = this.result;
    return html`<div class="notice" part="notice" role="status">
      ${r
        ? html`<span class="backend" data-backend=${r.backend}>Running on ${r.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}.</span>
            <span class="reason">${r.reason}</span>`
        : nothing}
      ${this.event ? html`<p class="event">${this.event}</p>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-backend-notice': BackendNotice;
  }
}
