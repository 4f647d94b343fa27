import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { Affine } from '../../vision/crop-policy';
import { heatmapRGBA, normaliseSaliency } from '../../vision/heatmap';

/** One face's heat map: its size×size saliency map and the crop → frame transform it was cropped with. */
export interface LayerFace {
  map: Float32Array;
  size: number;
  affine: Affine;
}

/** Heat-map resolution per crop pixel: smooth enough for faces a few hundred frame pixels wide. */
const SCALE = 4;

/**
 * A transparent layer over a picture (the camera view's stage) that draws each face's saliency
 * heat map where its crop came from: the heat map is mapped back through the crop's affine (so it
 * is rotated with an eye-levelled crop), in frame pixels, mirrored with the preview when `mirror`.
 * The canvas has the frame's size and is stretched with the picture by CSS, like the box overlay.
 *
 * @csspart canvas - the layer
 */
@customElement('emo-saliency-layer')
export class SaliencyLayer extends LitElement {
  static override styles = css`
    :host {
      position: absolute;
      inset: 0;
      pointer-events: none;
    }
    canvas {
      width: 100%;
      height: 100%;
      display: block;
    }
  `;

  /** Faces to draw (empty clears the layer). */
  @property({ attribute: false }) faces: readonly LayerFace[] = [];
  /** Frame size in pixels [width, height]. */
  @property({ attribute: false }) frame: [number, number] = [4, 3];
  @property({ type: Number }) opacity = 0.75;
  @property({ type: Boolean }) mirror = false;

  @query('canvas') private _canvas?: HTMLCanvasElement;

  override render() {
    return html`<canvas part="canvas" aria-hidden="true"></canvas>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const c = this._canvas;
    if (!c) return;
    const [w, h] = this.frame;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    for (const f of this.faces) {
      const side = f.size * SCALE;
      const tile = new OffscreenCanvas(side, side);
      tile.getContext('2d')?.putImageData(new ImageData(heatmapRGBA(normaliseSaliency(f.map), f.size, side, this.opacity), side, side), 0, 0);
      // Crop pixel (u, v) = tile pixel / SCALE lands on frame (a·u + b·v + tx, c·u + d·v + ty).
      const { a, b, c: cc, d, tx, ty } = f.affine;
      const k = 1 / SCALE, m = this.mirror ? -1 : 1;
      ctx.setTransform(m * a * k, cc * k, m * b * k, d * k, this.mirror ? w - tx : tx, ty);
      ctx.drawImage(tile, 0, 0);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-saliency-layer': SaliencyLayer;
  }
}
