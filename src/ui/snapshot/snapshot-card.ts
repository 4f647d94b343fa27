// The snapshot card: one PNG that says what emolens saw, for sharing. A fixed 960×540 pixel
// OffscreenCanvas (never scaled by devicePixelRatio, so every screen makes the same file): the app
// name and the time in a header; per face (up to three) its track id, the face in colour cut from
// the analysed frame (with, only when heat maps are on, the model's crop and heat map as an inset),
// the top emotion with its probability, probability bars, and gender when known. A face without
// its frame (the photo panel) shows the model's crop and map as before.
import { normaliseSaliency, overlayRGBA } from '../../vision/heatmap';
import { displayName, percent } from '../common/styles';
import { type GenderShown, emotionAdjective, faces as facesWord, genderText } from '../common/words';

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
  /** label null: the model declined ("gender not estimated", with the reason). */
  gender?: GenderShown;
  /** The face's track id (as on the picture and in the face list). */
  track?: number;
  /** The analysed frame and the face's box in it (frame pixels): the card shows this, in colour. */
  photo?: { image: CanvasImageSource; box: [number, number, number, number] };
}

export interface SnapshotInput {
  faces: SnapshotFace[];
  /** Faces in the picture (≥ faces.length); the rest are counted in the footer. Default faces.length. */
  total?: number;
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

/** A short caption for the page (alt text) and the share text: "emolens, 2025-11-26 14:03: #1 happy 82%, #2 sad 40%; 8 more faces." */
export function snapshotCaption(input: SnapshotInput): string {
  const shown = input.faces.slice(0, CARD_MAX_FACES).map((f) => {
    const top = argmax(f.probs);
    const id = f.track !== undefined ? `#${f.track} ` : '';
    const g = f.gender ? `, ${genderText(f.gender, percent)}` : ''; // the caption's one-decimal percentages
    const heat = f.target !== undefined && f.map ? ` (heat map: looking ${emotionAdjective(input.classes[f.target])})` : '';
    return `${id}${input.classes[top]} ${percent(f.probs[top])}${g}${heat}`;
  });
  const more = moreFaces(input);
  return `emolens, ${cardTime(input.time)}: ${shown.join('; ') || 'no face'}${more ? `; ${facesWord(more)} more` : ''}.`;
}

/** Faces in the picture that the card does not show. */
export function moreFaces(input: SnapshotInput): number {
  return Math.max(input.total ?? input.faces.length, input.faces.length) - Math.min(input.faces.length, CARD_MAX_FACES);
}

/** Where, in frame pixels, the card cuts a face out: a square 1.6× the box's larger side, centred on the box, kept inside the frame when it can be. */
export function photoCropRect(box: [number, number, number, number], frameW: number, frameH: number): [number, number, number] {
  const [x, y, w, h] = box;
  const side = Math.min(Math.max(w, h) * 1.6, frameW, frameH);
  const cx = x + w / 2, cy = y + h / 2;
  return [Math.min(Math.max(0, cx - side / 2), frameW - side), Math.min(Math.max(0, cy - side / 2), frameH - side), side];
}

function sourceSize(img: CanvasImageSource): [number, number] {
  if (img instanceof HTMLVideoElement) return [img.videoWidth, img.videoHeight];
  if (img instanceof HTMLImageElement) return [img.naturalWidth, img.naturalHeight];
  const s = img as { width: number | SVGAnimatedLength; height: number | SVGAnimatedLength };
  return [Number(s.width), Number(s.height)];
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
  const heat = f.map ? normaliseSaliency(f.map) : undefined;
  if (f.photo) {
    const [fw, fh] = sourceSize(f.photo.image);
    const [sx, sy, ss] = photoCropRect(f.photo.box, fw, fh);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(f.photo.image, sx, sy, ss, ss, x, y, side, side);
    if (heat) {
      // The model's own view, only when heat maps are on: an inset in the bottom-right corner.
      const inset = Math.round(side * 0.38);
      ctx.putImageData(new ImageData(overlayRGBA(f.crop, f.channels ?? 1, heat, f.size, inset, opacity), inset, inset), x + side - inset - 6, y + side - inset - 6);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2;
      ctx.strokeRect(x + side - inset - 7, y + side - inset - 7, inset + 2, inset + 2);
    }
  } else {
    const norm = heat ?? new Float32Array(f.size * f.size);
    ctx.putImageData(new ImageData(overlayRGBA(f.crop, f.channels ?? 1, norm, f.size, side, opacity), side, side), x, y);
  }
  ctx.strokeStyle = C.track;
  ctx.lineWidth = 2;
  ctx.strokeRect(x - 1, y - 1, side + 2, side + 2);
  if (f.track !== undefined) {
    ctx.font = `700 ${Math.round(Math.max(18, side * 0.09))}px ${FONT}`;
    const label = `#${f.track}`;
    const w = ctx.measureText(label).width + 14, h = Math.round(Math.max(18, side * 0.09)) + 10;
    ctx.fillStyle = C.header;
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = C.headerFg;
    ctx.fillText(label, x + 7, y + h - 8);
  }
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
      ctx.fillText(f.gender.label === null ? `Gender ${genderText(f.gender).slice('gender '.length)}` : `${displayName(f.gender.label)} ${percent(f.gender.p)}`, tx, ty + (one ? 22 : 17));
      ty += one ? 34 : 26;
    }
    const order = one ? all : [...all].sort((a, b) => f.probs[b] - f.probs[a]).slice(0, 3);
    ty = bars(ctx, input.classes, f.probs, order, tx, ty + 6, tw, one ? 34 : 26);
    if (f.target !== undefined && f.map) {
      ctx.fillStyle = C.muted;
      ctx.font = `400 ${one ? 17 : 14}px ${FONT}`;
      ctx.fillText(`Heat map: what makes it look ${emotionAdjective(input.classes[f.target])}`, tx, ty + (one ? 26 : 20));
    }
  });
  ctx.fillStyle = C.muted;
  ctx.font = `400 15px ${FONT}`;
  const n = moreFaces(input);
  const more = n ? ` · ${facesWord(n)} more in the picture` : '';
  const method = faces.some((f) => f.map) ? '; heat maps: guided back-propagation' : '';
  ctx.fillText(`Computed on this device${method}${more}`, PAD, CARD_HEIGHT - 18);
  return canvas;
}

/** The card as a PNG. */
export function snapshotPng(input: SnapshotInput): Promise<Blob> {
  return composeSnapshotCard(input).convertToBlob({ type: 'image/png' });
}
