import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { normaliseSaliency, overlayRGBA } from '../../vision/heatmap';

/**
 * A face crop with its saliency heat map (Turbo colours, alpha growing with |gradient|) drawn over
 * it, scaled up smoothly: the photo view's "where the model looked" picture.
 *
 * @csspart canvas - the picture
 */
@customElement('emo-saliency-overlay')
export class SaliencyOverlay extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    canvas {
      display: block;
      width: 100%;
      max-width: 16rem;
      aspect-ratio: 1;
      border-radius: 6px;
      border: 1px solid var(--emo-border);
    }
  `;

  /** The size×size crop the model saw, 0..255 (gray; RGB interleaved with channels 3). */
  @property({ attribute: false }) face?: Uint8Array;
  @property({ type: Number }) channels: 1 | 3 = 1;
  /** Crop side in pixels. */
  @property({ type: Number }) size = 48;
  /** The crop's saliency map (size×size); without one only the crop shows. */
  @property({ attribute: false }) map?: Float32Array;
  /** Heat-map opacity at the hottest pixels, 0..1. */
  @property({ type: Number }) opacity = 0.75;
  /** Accessible description, e.g. "Heat map: what makes it look happy". */
  @property() label = '';

  /** Drawing resolution: the crop scaled by this (smooth at any devicePixelRatio up to 4 for 48 px). */
  static readonly SCALE = 4;

  @query('canvas') private _canvas?: HTMLCanvasElement;

  override render() {
    if (!this.face) return nothing;
    const side = this.size * SaliencyOverlay.SCALE;
    return html`<canvas part="canvas" width=${side} height=${side} role="img" aria-label=${this.label || 'Face crop'}></canvas>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const c = this._canvas;
    if (!c || !this.face) return;
    const side = this.size * SaliencyOverlay.SCALE;
    const norm = this.map ? normaliseSaliency(this.map) : new Float32Array(this.size * this.size);
    c.getContext('2d')?.putImageData(new ImageData(overlayRGBA(this.face, this.channels, norm, this.size, side, this.opacity), side, side), 0, 0);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-saliency-overlay': SaliencyOverlay;
  }
}
