import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { displayName, percent, visuallyHidden } from './styles';

/**
 * The model's answer: one labelled bar per class, in model order, and the top class in words.
 *
 * Each bar is a `role="meter"` with its percentage as text, so it reads the same with a screen
 * reader as on screen.
 *
 * @csspart top - the sentence naming the most likely class
 * @csspart bar - each bar's filled part
 */
@customElement('emo-emotion-meter')
export class EmotionMeter extends LitElement {
  static override styles = [
    visuallyHidden,
    css`
      :host {
        display: block;
        font-family: var(--emo-font);
        color: var(--emo-fg);
      }
      .top {
        margin: 0 0 0.75rem;
        font-size: 1.25rem;
      }
      .top strong {
        color: var(--emo-accent);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: max-content 1fr 4.5ch;
        gap: 0.45rem 0.75rem;
        align-items: center;
      }
      li {
        display: contents;
      }
      .name {
        font-weight: 500;
      }
      .track {
        height: 0.9rem;
        border-radius: 999px;
        background: var(--emo-track);
        overflow: hidden;
      }
      .fill {
        width: 0;
        height: 100%;
        border-radius: inherit;
        background: var(--emo-bar);
        transition: width 180ms ease-out;
      }
      li.top-class .fill {
        background: var(--emo-bar-top);
      }
      li.top-class .name {
        font-weight: 700;
      }
      .value {
        font-family: var(--emo-mono);
        font-size: 0.9rem;
        text-align: right;
        color: var(--emo-muted);
      }
      @media (prefers-reduced-motion: reduce) {
        .fill {
          transition: none;
        }
      }
    `,
  ];

  /** Class names, in the model's order (weights/<model>.json "classes"). */
  @property({ attribute: false }) classes: readonly string[] = [];

  /** Probabilities in the same order as `classes`; empty shows nothing. */
  @property({ attribute: false }) probs: ArrayLike<number> = [];

  /** Index of the most likely class, or -1 when there is nothing to show. */
  get topIndex(): number {
    let best = -1;
    for (let i = 0; i < Math.min(this.classes.length, this.probs.length); i++) {
      if (best < 0 || this.probs[i] > this.probs[best]) best = i;
    }
    return best;
  }

  /**
   * Bar widths go through the CSSOM, not a style attribute: the page's CSP (style-src 'self')
   * blocks inline style attributes, including the one lit's styleMap writes on first render.
   */
  protected override updated(): void {
    this.renderRoot.querySelectorAll<HTMLElement>('.fill').forEach((el) => {
      el.style.width = percent(Math.min(Math.max(Number(el.dataset.p), 0), 1));
    });
  }

  override render() {
    const top = this.topIndex;
    if (top < 0) return nothing;
    return html`
      <p class="top" part="top" aria-live="polite">
        Most likely: <strong data-label=${this.classes[top]}>${displayName(this.classes[top])}</strong>
        (${percent(this.probs[top])})
      </p>
      <ol aria-label="Probability of each emotion">
        ${this.classes.map((c, i) => {
          const p = this.probs[i] ?? 0;
          return html`<li class=${i === top ? 'top-class' : ''} data-label=${c}>
            <span class="name" id="name-${i}">${displayName(c)}</span>
            <div
              class="track"
              role="meter"
              aria-labelledby="name-${i}"
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${(p * 100).toFixed(1)}
              aria-valuetext=${percent(p)}
            >
              <div class="fill" part="bar" data-p=${p}></div>
            </div>
            <span class="value" aria-hidden="true">${percent(p)}</span>
          </li>`;
        })}
      </ol>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-emotion-meter': EmotionMeter;
  }
}
