import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PipelineFace } from '../../worker/frame-pipeline';
import { displayName, percent } from '../common/styles';
import { faceCaption } from './face-overlay';

/** Faces in track-id order (= order of first appearance), so the list does not reshuffle every frame. */
export function byTrack(faces: readonly PipelineFace[]): PipelineFace[] {
  return [...faces].sort((a, b) => a.track - b.track);
}

/**
 * The text version of the overlay: one item per face, in track-id order, its caption ("#3 happy
 * 82%, male 91%", the same id as on the picture) and all seven probabilities as native meters
 * (readable at any size, announced as values, and needing no inline styles under the page's CSP).
 */
@customElement('emo-face-list')
export class FaceList extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--emo-font);
      color: var(--emo-fg);
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.5rem;
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
    }
    li {
      padding: 0.5rem 0.7rem;
      border-radius: 8px;
      background: var(--emo-track);
      font-variant-numeric: tabular-nums;
      min-width: 0;
    }
    .caption {
      display: block;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    dl {
      display: grid;
      grid-template-columns: 5.5rem minmax(0, 1fr) 3.2rem;
      gap: 0.1rem 0.4rem;
      align-items: center;
      margin: 0;
      font-size: 0.85rem;
    }
    dt,
    dd {
      margin: 0;
    }
    meter {
      width: 100%;
      height: 0.7rem;
    }
    .p {
      text-align: right;
      color: var(--emo-muted);
    }
    .top {
      font-weight: 700;
    }
  `;

  @property({ attribute: false }) faces: readonly PipelineFace[] = [];
  @property({ attribute: false }) classes: readonly string[] = [];

  override render() {
    return html`<ul aria-label="Faces in the picture">
      ${byTrack(this.faces).map(
        (f) => html`<li data-track=${f.track}>
          <span class="caption">${faceCaption(f)}</span>
          <dl>
            ${this.classes.map((c) => {
              const p = f.emotion.probs[c] ?? 0;
              return html`<dt class=${c === f.emotion.label ? 'top' : ''}>${displayName(c)}</dt>
                <dd><meter min="0" max="1" .value=${p} aria-label=${`#${f.track} ${c}`}></meter></dd>
                <dd class="p">${percent(p)}</dd>`;
            })}
          </dl>
        </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-face-list': FaceList;
  }
}
