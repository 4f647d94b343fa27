import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

/**
 * The chosen photo beside the gray crop the model actually sees (drawn pixel for pixel, scaled
 * up without smoothing).
 *
 * @csspart photo - the photo
 * @csspart crop - the crop canvas
 */
@customElement('emo-crop-preview')
export class CropPreview extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--emo-font);
      color: var(--emo-muted);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: var(--emo-gap);
      align-items: flex-start;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-size: 0.85rem;
      margin-top: 0.3rem;
    }
    img {
      display: block;
      max-width: min(100%, 16rem);
      max-height: 12rem;
      border-radius: 6px;
    }
    canvas {
      display: block;
      width: 9rem;
      height: 9rem;
      image-rendering: pixelated;
      border-radius: 6px;
      border: 1px solid var(--emo-border);
    }
  `;

  /** URL of the photo (an object URL of the chosen file). */
  @property() src = '';

  /** The file's name, for the photo's alt text. */
  @property() name = '';

  /** The size×size gray crop (0..255), or undefined before one exists. */
  @property({ attribute: false }) gray?: Uint8Array;

  /** Crop side in pixels. */
  @property({ type: Number }) size = 48;

  @query('canvas') private _canvas?: HTMLCanvasElement;

  override render() {
    if (!this.src) return nothing;
    return html`<div class="row">
      <figure>
        <img part="photo" src=${this.src} alt=${`Your photo${this.name ? `, ${this.name}` : ''}`} />
        <figcaption>Your photo</figcaption>
      </figure>
      <figure ?hidden=${!this.gray}>
        <canvas part="crop" width=${this.size} height=${this.size} role="img"
          aria-label=${`The ${this.size}×${this.size} grayscale crop the model sees`}></canvas>
        <figcaption>What the model sees (${this.size}×${this.size})</figcaption>
      </figure>
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>) {
    if ((changed.has('gray') || changed.has('src')) && this.gray && this._canvas) {
      const ctx = this._canvas.getContext('2d');
      if (!ctx) return;
      const img = ctx.createImageData(this.size, this.size);
      for (let i = 0; i < this.gray.length && i < this.size * this.size; i++) {
        const v = this.gray[i];
        img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
        img.data[4 * i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-crop-preview': CropPreview;
  }
}
