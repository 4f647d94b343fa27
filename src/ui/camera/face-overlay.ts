// Draws a frame's faces on the overlay canvas, in frame pixels (the canvas has the frame's size
// and is scaled with the picture by CSS): per face a box, "#id label p%", seven probability bars
// (the top one highlighted) and, when present, the gender label with its probability. With
// `mirror` (front camera, shown mirrored) boxes are flipped horizontally, the text is not.
import type { PipelineFace } from '../../worker/frame-pipeline';

export interface OverlayOptions {
  mirror: boolean;
  /** Emotion classes in bar order. */
  classes: readonly string[];
}

const BOX = '#ffd400';
const PANEL = 'rgba(10, 10, 20, 0.78)';
const TEXT = '#ffffff';
const BAR = '#8c88f5';
const BAR_TOP = '#ffd400';

/** "#3 happy 82%": the face's one-line caption (also used for the accessible list). */
export function faceCaption(f: PipelineFace): string {
  const e = `${f.emotion.label} ${Math.round(f.emotion.probs[f.emotion.label] * 100)}%`;
  const g = f.gender ? `, ${f.gender.label} ${Math.round(f.gender.probs[f.gender.label] * 100)}%` : '';
  return `#${f.track} ${e}${g}`;
}

export function drawOverlay(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, faces: readonly PipelineFace[], o: OverlayOptions): void {
  const W = ctx.canvas.width, H = ctx.canvas.height;
  ctx.clearRect(0, 0, W, H);
  // Sizes follow the frame so the overlay reads the same on a 333 px photo and a 1080p camera.
  const frameUnit = Math.max(W, H) / 640;
  const line = Math.max(1.5, 2 * frameUnit);
  ctx.textBaseline = 'top';
  for (const f of faces) {
    const [bx, by, bw, bh] = f.box;
    // The panel scales with the face (a crowd of small faces keeps small panels), within limits.
    const unit = Math.min(frameUnit, Math.max(0.5 * frameUnit, bw / 80));
    const font = Math.max(8, Math.round(12 * unit));
    ctx.font = `600 ${font}px system-ui, sans-serif`;
    const x = o.mirror ? W - bx - bw : bx;
    ctx.strokeStyle = BOX;
    ctx.lineWidth = line;
    ctx.strokeRect(x, by, bw, bh);

    const caption = faceCaption(f);
    const small = Math.max(7, Math.round(font * 0.75));
    const barH = Math.max(2, Math.round(small * 0.6));
    const rowH = small + 2; // one class per row: its short name, then its bar
    const labelW = Math.round(small * 2.2);
    const panelW = Math.max(ctx.measureText(caption).width + 8 * unit, labelW + 70 * unit);
    const panelH = font + 6 * unit + o.classes.length * rowH + 2 * unit;
    // Below the box when it fits, else above, else inside the bottom of the frame.
    let py = by + bh + 2 * unit;
    if (py + panelH > H) py = by - panelH - 2 * unit;
    if (py < 0) py = Math.max(0, H - panelH);
    const px = Math.min(Math.max(0, x), Math.max(0, W - panelW));
    ctx.fillStyle = PANEL;
    ctx.fillRect(px, py, panelW, panelH);
    ctx.fillStyle = TEXT;
    ctx.fillText(caption, px + 4 * unit, py + 3 * unit);
    const top = f.emotion.label;
    const barX = px + 4 * unit + labelW;
    const barMax = panelW - (barX - px) - 4 * unit;
    ctx.font = `${small}px system-ui, sans-serif`;
    o.classes.forEach((c, i) => {
      const y = py + font + 6 * unit + i * rowH;
      ctx.fillStyle = TEXT;
      ctx.fillText(c.slice(0, 3), px + 4 * unit, y);
      ctx.fillStyle = c === top ? BAR_TOP : BAR;
      ctx.fillRect(barX, y + (rowH - barH) / 2, Math.max(1, barMax * (f.emotion.probs[c] ?? 0)), barH);
    });
  }
}
