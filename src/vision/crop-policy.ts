// The crop policy: where a detected face goes in each classifier's input, so that the crop at
// inference is framed like the images the classifier was trained on (docs/crop-policy.md).
//
// Derivation (tools/crop-policy/{prepare.py,measure.mjs,fit.mjs} → crop-policy-data.ts): the
// reference YuNet was run on 2,000 seeded random FER-2013 Training images (48×48, scaled ×2.5
// into a 160×160 tile of their mean colour) and on 2,000 UTKFace chips (100×100, ×1.2); 1,889
// and 1,997 faces were found. The median position of each of the five landmarks, in fractions of
// the image side, is the model's *template*: the crop must put a detected face's landmarks there.
//
//                  right eye        left eye         nose             right mouth      left mouth
//   emotion (48)   (0.285, 0.403)   (0.684, 0.403)   (0.483, 0.589)   (0.337, 0.756)   (0.661, 0.756)
//   gender  (64)   (0.281, 0.310)   (0.692, 0.310)   (0.481, 0.510)   (0.321, 0.688)   (0.673, 0.688)
//
// FER-2013 faces are tight (eyes 40% down, mouth 76%, eye distance 0.40 of the side: the crop
// is about 2.5 eye distances wide); UTKFace chips sit higher (eyes 31%, mouth 69%) with a little
// more room below the chin and the same width. Both templates keep the measured 1.5% leftward
// offset of the eye midpoint: it is the detector's bias, present at inference too.
//
// The transform is a similarity (rotation, uniform scale, translation):
//   - rotation: the angle of the line from the right eye to the left eye, so the eyes come out
//     level (the template's eyes share one y);
//   - scale and translation: least squares over all five landmarks with that rotation fixed
//     (closed form), so one badly placed point (nose on a turned head) cannot dominate.
// Faces whose landmarks are unusable (eyes closer than 20% of the box width, or outside the
// box grown by half) fall back to the box: centre and sqrt(w·h) as measured (box columns of
// crop-policy-data.ts), no rotation.
// Pixels beyond the frame are the nearest edge pixel (the kernel clamps), so a face at the border
// is kept, not dropped.
import policy from './crop-policy-data.js';
import type { Affine } from '../kernels/types.js';
export { type Affine, affineScale } from '../kernels/types.js';

export type Point = [number, number];

/** What the policy needs of a detected face (src/vision/types.ts's Face has these fields). */
export interface FaceGeometry {
  box: [number, number, number, number];
  landmarks: Point[];
}

export interface CropSpec {
  /** Side of the square crop in pixels (the network input). */
  size: number;
  /** 1: gray (0.299R + 0.587G + 0.114B), 3: RGB. */
  channels: 1 | 3;
  /** The five landmarks in the crop, as fractions of its side (YuNet order). */
  template: readonly (readonly [number, number])[];
  /** Box fallback: the box centre and sqrt(w·h), in fractions of the crop side. */
  box: { cx: number; cy: number; size: number };
}


export const EMOTION_CROP: CropSpec = { size: 48, channels: 1, template: policy.emotion.template, box: policy.emotion.box };
export const GENDER_CROP: CropSpec = { size: 64, channels: 3, template: policy.gender.template, box: policy.gender.box };

/** Applies m to the crop point (u, v). */
export function applyAffine(m: Affine, u: number, v: number): Point {
  return [m.a * u + m.b * v + m.tx, m.c * u + m.d * v + m.ty];
}

/** True when the landmarks can place the crop: five finite points, eyes apart, near the box. */
export function landmarksUsable(f: FaceGeometry): boolean {
  const [x, y, w, h] = f.box;
  if (f.landmarks.length !== 5 || !f.landmarks.every((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))) return false;
  const [r, l] = f.landmarks;
  if (Math.hypot(l[0] - r[0], l[1] - r[1]) < 0.2 * w) return false;
  return f.landmarks.every((p) => p[0] >= x - w / 2 && p[0] <= x + 1.5 * w && p[1] >= y - h / 2 && p[1] <= y + 1.5 * h);
}

/** The similarity that frames `face` as `spec` says (see the file header). */
export function cropTransform(face: FaceGeometry, spec: CropSpec): Affine {
  const S = spec.size;
  if (!landmarksUsable(face)) {
    const [x, y, w, h] = face.box;
    const s = Math.sqrt(Math.max(w * h, 1e-6)) / (spec.box.size * S);
    // Crop point (cx·S, cy·S) lands on the box centre.
    return { a: s, b: 0, c: 0, d: s, tx: x + w / 2 - s * spec.box.cx * S, ty: y + h / 2 - s * spec.box.cy * S };
  }
  const p = face.landmarks;
  const q = spec.template.map(([u, v]) => [u * S, v * S] as Point);
  const theta = Math.atan2(p[1][1] - p[0][1], p[1][0] - p[0][0]);
  const cos = Math.cos(theta), sin = Math.sin(theta);
  const n = p.length;
  let pmx = 0, pmy = 0, qmx = 0, qmy = 0;
  for (let i = 0; i < n; i++) {
    pmx += p[i][0] / n; pmy += p[i][1] / n;
    qmx += q[i][0] / n; qmy += q[i][1] / n;
  }
  // minimise Σ |s·R·(q_i − q̄) − (p_i − p̄)|² over s: s = Σ (R q̃_i)·p̃_i / Σ |q̃_i|².
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const qx = q[i][0] - qmx, qy = q[i][1] - qmy;
    const rx = cos * qx - sin * qy, ry = sin * qx + cos * qy;
    num += rx * (p[i][0] - pmx) + ry * (p[i][1] - pmy);
    den += qx * qx + qy * qy;
  }
  const s = Math.max(num / den, 1e-6);
  const a = s * cos, c = s * sin;
  return { a, b: -c, c, d: a, tx: pmx - (a * qmx - c * qmy), ty: pmy - (c * qmx + a * qmy) };
}

/** Where the crop's corners land in the frame (for drawing and tests): TL, TR, BR, BL. */
export function cropCorners(m: Affine, size: number): Point[] {
  return [applyAffine(m, 0, 0), applyAffine(m, size, 0), applyAffine(m, size, size), applyAffine(m, 0, size)];
}
