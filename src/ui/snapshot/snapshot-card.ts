// The snapshot card: one PNG that says what emolens saw, for sharing. A fixed 960×540 pixel
// OffscreenCanvas (never scaled by devicePixelRatio, so every screen makes the same file): the app
// name and the time in a header; per face (up to three) the crop the model saw with its saliency
// heat map, the top emotion with its probability, probability bars, and gender when known.
import { normaliseSaliency, overlayRGBA } from '../../vision/heatmap';
import { displayName, percent } from '../common/styles';

export const CARD_WIDTH = 960;
export const CARD_HEIGHT = 540;
/** More faces than this are counted in the footer, not drawn. */
export const CARD_MAX_FACES = 3;

export interface SnapshotFace {
  /** size×size crop the model saw, 0..255 (gray, or RGB interleaved with channels 3). */
  crop: Uint8Array;
  size: number;
  channels?: 1 | 3;
  /** Its saliency map (size×size), if any. */
  map?: Float32Array;
  /** The class index the map explains. */
  target?: number;
  /** Emotion probabilities in `classes` order. */
  probs: ArrayLike<number>;
  gender?: { label: string; p: number };
}

export interface SnapshotInput {
  faces: SnapshotFace[];
  classes: readonly string[];
  time: Date;
  /** Heat-map opacity at its hottest pixels (0..1). Default 0.75. */
  opacity?: number;
}

const PAD = 32;
const HEADER = 72;
const FONT = 'system-ui, "DejaVu Sans", sans-serif';
const C = { bg: '#ffffff', header: '#3a36c4', headerFg: '#ffffff', fg: '#16161d', muted: '#4a4a5a', track: '#e3e3ee', bar: '#5a56d6', top: '#3a36c4' };

function argmax(p: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[b]) b = i;
  return b;
}

/** Where face i of k is drawn: [x, y, side] in card pixels (tests look for the heat map there). */
export function cardFaceRect(i: number, k: number): [number, number, number] {
  const n = Math.min(Math.max(k, 1), CARD_MAX_FACES);
  if (n === 1) return [PAD, HEADER + 32, 352];
  const gap = 24, cw = (CARD_WIDTH - 2 * PAD - gap * (n - 1)) / n;
  const side = Math.min(cw, 208);
  return [Math.round(PAD + i * (cw + gap) + (cw - side) / 2), HEADER + 24, side];
}

/** "14:03:07, 2025-11-26" in the page's locale-independent form (the card must not vary by locale). */
export function cardTime(t: Date): string {
  const z = (v: number) => String(v).padStart(2, '0');
  return `${t.getFullYear()}-${z(t.getMonth() + 1)}-${z(t.getDate())} ${z(t.getHours())}:${z(t.getMinutes())}`;
}

/** One line per face, for the page (alt text, caption) and the share text. */
export function snapshotCaption(input: SnapshotInput): string {
  const faces = input.faces.map((f, i) => {
    const top = argmax(f.probs);
    const heat = f.target !== undefined ? `; heat map: what makes it look ${input.classes[f.target]}` : '';
    const g = f.gender ? `, ${f.gender.label} ${percent(f.gender.p)}` : '';
    return `${input.faces.length > 1 ? `Face ${i + 1}: ` : ''}${displayName(input.classes[top])} ${percent(f.probs[top])}${g}${heat}`;
  });
  return `emolens, ${cardTime(input.time)}. ${faces.join('. ') || 'No face'}.`;
}

/** `emolens-20251126-140307.png`. */
export function snapshotFileName(t: Date): string {
  const z = (v: number) => String(v).padStart(2, '0');
  return `emolens-${t.getFullYear()}${z(t.getMonth() + 1)}${z(t.getDate())}-${z(t.getHours())}${z(t.getMinutes())}${z(t.getSeconds())}.png`;
}

type Ctx = OffscreenCanvasRenderingContext2D;

function bars(ctx: Ctx, classes: readonly string[], probs: ArrayLike<number>, order: number[], x: number, y: number, w: number, row: number): number {
  const top = argmax(probs);
  ctx.font = `500 ${Math.round(row * 0.62)}px ${FONT}`;
  const longest = Math.max(...order.map((j) => ctx.measureText(displayName(classes[j])).width));
  const valW = ctx.measureText('100.0%').width + 8;
  const nameW = Math.min(Math.max(w * 0.3, longest + 10), w * 0.5), trackW = w - nameW - valW;
  for (const j of order) {
    const p = Math.min(Math.max(probs[j], 0), 1);
    ctx.fillStyle = C.fg;
    ctx.textAlign = 'left';
    ctx.fillText(displayName(classes[j]), x, y + row * 0.72);
    ctx.fillStyle = C.track;
    ctx.fillRect(x + nameW, y + row * 0.25, trackW, row * 0.5);
    ctx.fillStyle = j === top ? C.top : C.bar;
    ctx.fillRect(x + nameW, y + row * 0.25, trackW * p, row * 0.5);
    ctx.fillStyle = C.muted;
    ctx.textAlign = 'right';
    ctx.fillText(percent(p), x + w, y + row * 0.72);
    y += row;
  }
  ctx.textAlign = 'left';
  return y;
}

function drawFace(ctx: Ctx, f: SnapshotFace, x: number, y: number, side: number, opacity: number): void {
  const norm = f.map ? normaliseSaliency(f.map) : new Float32Array(f.size * f.size);
  ctx.putImageData(new ImageData(overlayRGBA(f.crop, f.channels ?? 1, norm, f.size, side, opacity), side, side), x, y);
  ctx.strokeStyle = C.track;
  ctx.lineWidth = 2;
  ctx.strokeRect(x - 1, y - 1, side + 2, side + 2);
}

/** Draws the card (CARD_WIDTH × CARD_HEIGHT). */
export function composeSnapshotCard(input: SnapshotInput): OffscreenCanvas {
  const canvas = new OffscreenCanvas(CARD_WIDTH, CARD_HEIGHT);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('snapshot: no 2d context');
  const opacity = input.opacity ?? 0.75;
  ctx.fillStyle = C.bg;
  ctx.fillRect(0, 0, CARD_WIDTH, CARD_HEIGHT);
  ctx.fillStyle = C.header;
  ctx.fillRect(0, 0, CARD_WIDTH, HEADER);
  ctx.fillStyle = C.headerFg;
  ctx.font = `700 34px ${FONT}`;
  ctx.fillText('emolens', PAD, 48);
  ctx.font = `400 20px ${FONT}`;
  ctx.textAlign = 'right';
  ctx.fillText(cardTime(input.time), CARD_WIDTH - PAD, 46);
  ctx.textAlign = 'left';

  const faces = input.faces.slice(0, CARD_MAX_FACES);
  const all = input.classes.map((_, j) => j);
  faces.forEach((f, i) => {
    const [x, y, side] = cardFaceRect(i, faces.length);
    drawFace(ctx, f, x, y, side, opacity);
    const top = argmax(f.probs);
    const one = faces.length === 1;
    // Text beside the face (one face) or below it (columns).
    const tx = one ? x + side + 40 : x;
    const tw = one ? CARD_WIDTH - PAD - tx : side;
    let ty = one ? y + 8 : y + side + 14;
    ctx.fillStyle = C.fg;
    ctx.font = `700 ${one ? 40 : 26}px ${FONT}`;
    ctx.fillText(`${displayName(input.classes[top])} ${percent(f.probs[top])}`, tx, ty + (one ? 36 : 24));
    ty += one ? 56 : 34;
    if (f.gender) {
      ctx.fillStyle = C.muted;
      ctx.font = `500 ${one ? 22 : 17}px ${FONT}`;
      ctx.fillText(`${displayName(f.gender.label)} ${percent(f.gender.p)}`, tx, ty + (one ? 22 : 17));
      ty += one ? 34 : 26;
    }
    const order = one ? all : [...all].sort((a, b) => f.probs[b] - f.probs[a]).slice(0, 3);
    ty = bars(ctx, input.classes, f.probs, order, tx, ty + 6, tw, one ? 34 : 26);
    if (f.target !== undefined && f.map) {
      ctx.fillStyle = C.muted;
      ctx.font = `400 ${one ? 17 : 14}px ${FONT}`;
      ctx.fillText(`Heat map: what makes it look ${input.classes[f.target]}`, tx, ty + (one ? 26 : 20));
    }
  });
  ctx.fillStyle = C.muted;
  ctx.font = `400 15px ${FONT}`;
  const more = input.faces.length > CARD_MAX_FACES ? ` · ${input.faces.length - CARD_MAX_FACES} more face(s) not shown` : '';
  ctx.fillText(`Computed on this device; heat maps: guided back-propagation${more}`, PAD, CARD_HEIGHT - 18);
  return canvas;
}

/** The card as a PNG. */
export function snapshotPng(input: SnapshotInput): Promise<Blob> {
  return composeSnapshotCard(input).convertToBlob({ type: 'image/png' });
}
