// Where each face's label goes on the picture, in CSS pixels of the picture as shown (so a label is
// as readable on a 390 px phone as on a desktop, whatever the frame's resolution). Three forms:
//   full    "#3 happy 82%" and seven probability bars: few, large faces;
//   compact "#3 happy 82%" on one line: many or small faces;
//   id      "#3": when nothing longer fits; the face list below the picture has every face in full.
// Labels never overlap one another: each face tries a few places around its box (below, above,
// inside the bottom, right, left), then any free place nearest to it; a face for which even "#3"
// finds no room gets no label (the face list still has it).

export type LabelForm = 'full' | 'compact' | 'id';

export type Rect = [number, number, number, number];

export interface LabelBox {
  /** Index into the faces given. */
  face: number;
  form: LabelForm;
  /** x, y, width, height in CSS pixels of the shown picture. */
  rect: Rect;
  /** Caption font size in CSS pixels (never below MIN_LABEL_PX). */
  font: number;
  text: string;
}

export interface LabelRequest {
  /** The face's box in CSS pixels of the shown picture (already mirrored when the picture is). */
  box: Rect;
  /** One-line caption ("#3 happy 82%, male 91%"). */
  caption: string;
  /** "#3". */
  id: string;
}

/** The smallest text drawn on the picture, in CSS pixels. */
export const MIN_LABEL_PX = 12;
export const CAPTION_PX = 13;
/** Bars' class names. */
export const ROW_PX = 14;
const PAD = 4;
/** Up to FULL_MAX_FACES faces at least FULL_MIN_FACE px wide get full labels. */
export const FULL_MAX_FACES = 3;
export const FULL_MIN_FACE = 72;
/** Up to COMPACT_MAX_FACES faces at least COMPACT_MIN_FACE px wide get one-line labels; a crowd gets ids. */
export const COMPACT_MAX_FACES = 5;
export const COMPACT_MIN_FACE = 24;

export type Measure = (text: string, fontPx: number) => number;

export function overlaps(a: Rect, b: Rect): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

function size(form: LabelForm, r: LabelRequest, rows: number, measure: Measure): { w: number; h: number; font: number; text: string } {
  if (form === 'id') return { w: Math.ceil(measure(r.id, MIN_LABEL_PX)) + 2 * PAD, h: MIN_LABEL_PX + 2 * PAD, font: MIN_LABEL_PX, text: r.id };
  const font = form === 'full' ? CAPTION_PX : MIN_LABEL_PX;
  const w = Math.ceil(measure(r.caption, font)) + 2 * PAD;
  if (form === 'compact') return { w, h: font + 2 * PAD, font, text: r.caption };
  return { w: Math.max(w, 150), h: font + 2 * PAD + rows * ROW_PX + PAD, font, text: r.caption };
}

/** Places labels for `faces` in a view of `view` CSS pixels; `rows` = emotion classes (full form). */
export function layoutLabels(faces: readonly LabelRequest[], view: [number, number], rows: number, measure: Measure): LabelBox[] {
  const [W, H] = view;
  const all = (max: number, min: number) => faces.length <= max && faces.every((f) => f.box[2] >= min);
  const forms: LabelForm[] = all(FULL_MAX_FACES, FULL_MIN_FACE) ? ['full', 'compact', 'id'] : all(COMPACT_MAX_FACES, COMPACT_MIN_FACE) ? ['compact', 'id'] : ['id'];
  const placed: LabelBox[] = [];
  const taken: Rect[] = [];
  // Larger faces first: they are the ones a person looks at, and get the first choice of place.
  const order = faces.map((_, i) => i).sort((a, b) => faces[b].box[2] - faces[a].box[2]);
  for (const i of order) {
    const f = faces[i];
    const others = faces.filter((_, j) => j !== i).map((g) => g.box);
    for (const form of forms) {
      const s = size(form, f, rows, measure);
      if (s.w > W || s.h > H) continue;
      const spot = findSpot(f.box, s.w, s.h, W, H, taken, others);
      if (!spot) continue;
      taken.push(spot);
      placed.push({ face: i, form, rect: spot, font: s.font, text: s.text });
      break;
    }
  }
  return placed.sort((a, b) => a.face - b.face);
}

function clampRect(x: number, y: number, w: number, h: number, W: number, H: number): Rect {
  return [Math.min(Math.max(0, x), W - w), Math.min(Math.max(0, y), H - h), w, h];
}

/** The first free candidate next to the box (one that covers no other face preferred), else the nearest free grid spot. */
function findSpot(box: Rect, w: number, h: number, W: number, H: number, taken: Rect[], faces: Rect[]): Rect | undefined {
  const [bx, by, bw, bh] = box;
  const candidates = [
    clampRect(bx, by + bh + 2, w, h, W, H),
    clampRect(bx, by - h - 2, w, h, W, H),
    clampRect(bx, by + bh - h, w, h, W, H),
    clampRect(bx + bw + 2, by, w, h, W, H),
    clampRect(bx - w - 2, by, w, h, W, H),
  ];
  const free = candidates.filter((c) => !taken.some((t) => overlaps(c, t)));
  const clear = free.find((c) => !faces.some((b) => overlaps(c, b)));
  if (clear ?? free[0]) return clear ?? free[0];
  // Scan the view on a coarse grid, nearest to the face first.
  const step = 4;
  let best: Rect | undefined;
  let bestD = Infinity;
  for (let y = 0; y + h <= H; y += step) {
    for (let x = 0; x + w <= W; x += step) {
      const d = Math.hypot(x - bx, y - (by + bh));
      if (d >= bestD) continue;
      const c: Rect = [x, y, w, h];
      if (taken.some((t) => overlaps(c, t))) continue;
      best = c;
      bestD = d;
    }
  }
  return best;
}
