import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LoadResult, PipelineInfo } from '../../worker/api';
import { appWasmThreads } from '../../kernels/wasm/thread-count';
import { backendLine } from './backend-line';

/**
 * The page's one line about backends (backend-line.ts): which backend runs which model and why, in
 * plain words, with the workers' technical reasons folded into "Details"; plus any later event
 * such as a lost GPU device.
 *
 * @csspart notice - the line's box
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
      padding: 0.5rem 0.8rem;
      font-size: 0.9rem;
    }
    p {
      margin: 0;
    }
    details {
      margin-top: 0.25rem;
    }
    summary {
      cursor: pointer;
    }
    summary:focus-visible {
      outline: var(--emo-focus);
      outline-offset: 2px;
    }
    details p {
      margin-top: 0.25rem;
      overflow-wrap: anywhere;
    }
  `;

  /** The camera pipeline's load answer (detector, emotion, gender); nothing is shown before it. */
  @property({ attribute: false }) pipeline?: PipelineInfo;

  /** The classifier worker's load answer (heat maps, whole-picture reading), once loaded. */
  @property({ attribute: false }) classifier?: LoadResult;

  /** The latest event worth telling (device lost, rebuilt), or ''. */
  @property() event = '';

  protected override willUpdate() {
    this.toggleAttribute('empty', !this.pipeline && !this.event);
  }

  override render() {
    const p = this.pipeline, c = this.classifier;
    const asked = new URLSearchParams(location.search).get('backend');
    return html`<div class="notice" part="notice" role="status">
      ${p
        ? html`<p class="line" id="backend-line" data-backend=${p.backend}>${backendLine(p, c, asked, true, appWasmThreads())}</p>
            <details>
              <summary>Details</summary>
              <p>Face detector and classifiers: ${p.reason}</p>
              ${c ? html`<p>Heat maps: ${c.reason}</p>` : nothing}
            </details>`
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
