// Draws a frame's faces on the overlay canvas: per face a box and a label placed by
// label-layout.ts ("#id label p%" with seven bars for few, large faces; one line, or just "#id",
// for many or small ones; never overlapping, never under MIN_LABEL_PX CSS pixels). The canvas may
// be any size: boxes are scaled from frame pixels (`frame`), text is sized in CSS pixels
// (`pxPerCss` canvas pixels each: the device pixel ratio for the live view). With `mirror` (front
// camera, shown mirrored) boxes are flipped horizontally, the text is not.
import type { PipelineFace } from '../../worker/frame-pipeline';
import { genderShown, genderText } from '../common/words';
import { CAPTION_PX, type LabelBox, type LabelRequest, MIN_LABEL_PX, ROW_PX, layoutLabels } from './label-layout';

export interface OverlayOptions {
  mirror: boolean;
  /** Emotion classes in bar order. */
  classes: readonly string[];
  /** The frame's width and height in pixels (default: the canvas's). */
  frame?: [number, number];
  /** Canvas pixels per CSS pixel (default: the canvas's longer side / 640, for frame-sized canvases). */
  pxPerCss?: number;
}

const BOX = '#ffd400';
const PANEL = 'rgba(10, 10, 20, 0.82)';
const TEXT = '#ffffff';
const BAR = '#8c88f5';
const BAR_TOP = '#ffd400';
const FONT = 'system-ui, "DejaVu Sans", sans-serif';

/** "#3 happy 82%": the face's one-line caption (also used for the accessible list). */
export function faceCaption(f: PipelineFace): string {
  const e = `${f.emotion.label} ${Math.round(f.emotion.probs[f.emotion.label] * 100)}%`;
  const g = f.gender ? `, ${genderText(genderShown(f.gender))}` : '';
  return `#${f.track} ${e}${g}`;
}

/** Draws boxes and labels; returns the labels' places in CSS pixels of the canvas as shown. */
export function drawOverlay(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, faces: readonly PipelineFace[], o: OverlayOptions): LabelBox[] {
  const W = ctx.canvas.width, H = ctx.canvas.height;
  ctx.clearRect(0, 0, W, H);
  const [fw, fh] = o.frame ?? [W, H];
  const k = o.pxPerCss ?? Math.max(W, H) / 640;
  const sx = W / fw / k, sy = H / fh / k; // CSS px per frame px
  const requests: LabelRequest[] = faces.map((f) => {
    const [bx, by, bw, bh] = f.box;
    const x = o.mirror ? fw - bx - bw : bx;
    return { box: [x * sx, by * sy, bw * sx, bh * sy], caption: faceCaption(f), id: `#${f.track}` };
  });
  const measure = (text: string, px: number) => {
    ctx.font = `600 ${px * k}px ${FONT}`;
    return ctx.measureText(text).width / k;
  };
  const labels = layoutLabels(requests, [W / k, H / k], o.classes.length, measure);

  ctx.strokeStyle = BOX;
  ctx.lineWidth = Math.max(1.5, 2 * k);
  for (const r of requests) ctx.strokeRect(r.box[0] * k, r.box[1] * k, r.box[2] * k, r.box[3] * k);

  ctx.textBaseline = 'top';
  for (const l of labels) {
    const [x, y, w, h] = l.rect;
    ctx.fillStyle = PANEL;
    ctx.fillRect(x * k, y * k, w * k, h * k);
    ctx.fillStyle = TEXT;
    ctx.font = `600 ${l.font * k}px ${FONT}`;
    ctx.fillText(l.text, (x + 4) * k, (y + 4) * k);
    if (l.form === 'full') drawBars(ctx, faces[l.face], o.classes, x, y + CAPTION_PX + 8, w, k);
  }
  return labels;
}

/** Seven rows: the class's first three letters and its bar (the top class highlighted). */
function drawBars(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, f: PipelineFace, classes: readonly string[], x: number, y: number, w: number, k: number): void {
  const nameW = 32, barX = x + 4 + nameW, barMax = w - nameW - 8;
  ctx.font = `${MIN_LABEL_PX * k}px ${FONT}`;
  classes.forEach((c, i) => {
    const ry = y + i * ROW_PX;
    ctx.fillStyle = TEXT;
    ctx.fillText(c.slice(0, 3), (x + 4) * k, ry * k);
    ctx.fillStyle = c === f.emotion.label ? BAR_TOP : BAR;
    ctx.fillRect(barX * k, (ry + 3) * k, Math.max(1, barMax * (f.emotion.probs[c] ?? 0)) * k, 7 * k);
  });
}

/** Sizes `canvas` to its CSS box × devicePixelRatio and draws `r` on it; returns the labels' places in CSS pixels. */
export function paintOverlay(canvas: HTMLCanvasElement, r: { faces: readonly PipelineFace[]; width: number; height: number }, mirror: boolean, classes: readonly string[]): LabelBox[] {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr)), h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  return ctx ? drawOverlay(ctx, r.faces, { mirror, classes, frame: [r.width, r.height], pxPerCss: dpr }) : [];
}
