// YuNet post-processing on the CPU (the same arithmetic as OpenCV's FaceDetectorYN::postProcess):
// input geometry, per-stride decoding of the packed heads, NMS, and faces in frame pixels.
// Stable API for the camera pipeline:
//
//   const g = detectorGeometry(frameW, frameH, 640);          // resize + pad plan for one frame size
//   const n = decodeYunet(heads, g, strides, 0.6, scratch);   // candidates, rows of CANDIDATE floats
//   const keep = nms(scratch.rows, n, { stride: CANDIDATE, score: SCORE, iou: 0.3, topK: 50 }, scratch.keep);
//   const faces = toFaces(scratch.rows, keep, g);             // Face[] in frame pixels, clipped
//
// Heads (what src/nn/yunet/yunet*.ts read back): for each stride s in `strides` order, (padH/s)·(padW/s)
// anchors in row-major order, HEAD_CHANNELS floats each: [cls, obj] (already through the sigmoid),
// bbox [dx, dy, log w, log h] and kps [x0, y0, ..., x4, y4], all in units of s:
//   score = sqrt(clamp01(cls) · clamp01(obj))
//   cx = (col + dx)·s, cy = (row + dy)·s, w = e^lw·s, h = e^lh·s, landmark k = ((col, row) + kps_k)·s
import type { ResizeGeometry } from '../kernels/resize-to-tensor.ref.js';
import type { Face, Point } from './types.js';

export const HEAD_CHANNELS = 16;
/** Candidate row: x, y, w, h, 10 landmark coordinates, score (OpenCV's 15-float face row). */
export const CANDIDATE = 15;
export const SCORE = 14;

/** How a frame becomes the detector input, and back: input pixel × scale = frame pixel. */
export interface DetectorGeometry extends ResizeGeometry {
  /** Frame pixels per input pixel along x and y. */
  scaleX: number;
  scaleY: number;
}

/**
 * Fits the frame in maxSide (longest side; never upscaled) and pads to multiples of `divisor`,
 * keeping the aspect ratio; the frame sits at the top-left of the padded tensor.
 */
export function detectorGeometry(frameW: number, frameH: number, maxSide: number, divisor = 32): DetectorGeometry {
  if (!(frameW >= 1 && frameH >= 1)) throw new Error(`detectorGeometry: empty frame ${frameW}x${frameH}`);
  if (!(maxSide >= divisor)) throw new Error(`detectorGeometry: maxSide ${maxSide} is below the divisor ${divisor}`);
  const s = Math.min(1, maxSide / Math.max(frameW, frameH));
  const inW = Math.max(1, Math.round(frameW * s)), inH = Math.max(1, Math.round(frameH * s));
  return {
    frameW, frameH, inW, inH,
    padW: Math.ceil(inW / divisor) * divisor,
    padH: Math.ceil(inH / divisor) * divisor,
    scaleX: frameW / inW,
    scaleY: frameH / inH,
  };
}

/**
 * The detector input for a square window of the frame (a tracked face's neighbourhood): the
 * window [x, y, side, side] (it may reach past the frame's edges; those pixels repeat the edge)
 * resized to `input` × `input` pixels (a multiple of the divisor), no padding.
 */
export function windowGeometry(frameW: number, frameH: number, window: readonly [number, number, number], input: number, divisor = 32): DetectorGeometry {
  if (!(frameW >= 1 && frameH >= 1)) throw new Error(`windowGeometry: empty frame ${frameW}x${frameH}`);
  if (!(input >= divisor && input % divisor === 0)) throw new Error(`windowGeometry: input ${input} is not a positive multiple of ${divisor}`);
  const [x, y, side] = window;
  if (!(side > 0)) throw new Error(`windowGeometry: empty window ${side}`);
  return {
    frameW, frameH, inW: input, inH: input, padW: input, padH: input,
    srcX: x, srcY: y, srcW: side, srcH: side,
    scaleX: side / input, scaleY: side / input,
  };
}

/** Anchors of all strides for a padded input: the heads' length is this × HEAD_CHANNELS. */
export function anchorCount(padW: number, padH: number, strides: readonly number[]): number {
  return strides.reduce((a, s) => a + (padW / s) * (padH / s), 0);
}

/** Reusable per-frame buffers: candidate rows and NMS indices (grown as needed). */
export interface DecodeScratch {
  rows: Float32Array;
  keep: Int32Array;
}

export function decodeScratch(capacity = 256): DecodeScratch {
  return { rows: new Float32Array(capacity * CANDIDATE), keep: new Int32Array(capacity) };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * Writes every anchor with score ≥ threshold into scratch.rows (input pixels) and returns how many.
 * Anchors in the zero padding are decoded too, as OpenCV does; toFaces() clips to the frame.
 */
export function decodeYunet(heads: Float32Array, g: Pick<DetectorGeometry, 'padW' | 'padH'>, strides: readonly number[], threshold: number, scratch: DecodeScratch): number {
  const need = anchorCount(g.padW, g.padH, strides) * HEAD_CHANNELS;
  if (heads.length < need) throw new Error(`decodeYunet: ${heads.length} head values, ${g.padW}x${g.padH} needs ${need}`);
  let n = 0;
  let a = 0;
  for (const s of strides) {
    const cols = g.padW / s, rows = g.padH / s;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++, a++) {
        const h = a * HEAD_CHANNELS;
        const score = Math.sqrt(clamp01(heads[h]) * clamp01(heads[h + 1]));
        if (!(score >= threshold)) continue;
        if ((n + 1) * CANDIDATE > scratch.rows.length) {
          const grown = new Float32Array(scratch.rows.length * 2);
          grown.set(scratch.rows);
          scratch.rows = grown;
        }
        const o = n * CANDIDATE, R = scratch.rows;
        const w = Math.exp(heads[h + 4]) * s, hh = Math.exp(heads[h + 5]) * s;
        R[o] = (c + heads[h + 2]) * s - w / 2;
        R[o + 1] = (r + heads[h + 3]) * s - hh / 2;
        R[o + 2] = w;
        R[o + 3] = hh;
        for (let k = 0; k < 5; k++) {
          R[o + 4 + 2 * k] = (c + heads[h + 6 + 2 * k]) * s;
          R[o + 5 + 2 * k] = (r + heads[h + 7 + 2 * k]) * s;
        }
        R[o + SCORE] = score;
        n++;
      }
    }
  }
  if (scratch.keep.length < n) scratch.keep = new Int32Array(Math.max(n, scratch.keep.length * 2));
  return n;
}

/**
 * Faces for the kept candidate rows, in frame pixels: scaled by the geometry, boxes clipped to the
 * frame (a box left empty by clipping is dropped), landmarks clamped into it.
 */
export function toFaces(rows: Float32Array, keep: ArrayLike<number>, g: DetectorGeometry): Face[] {
  const faces: Face[] = [];
  const W = g.frameW, H = g.frameH;
  const ox = g.srcX ?? 0, oy = g.srcY ?? 0;
  const cx = (v: number) => Math.min(Math.max(ox + v * g.scaleX, 0), W);
  const cy = (v: number) => Math.min(Math.max(oy + v * g.scaleY, 0), H);
  for (let i = 0; i < keep.length; i++) {
    const o = keep[i] * CANDIDATE;
    const x1 = cx(rows[o]), y1 = cy(rows[o + 1]);
    const x2 = cx(rows[o] + rows[o + 2]), y2 = cy(rows[o + 1] + rows[o + 3]);
    if (!(x2 > x1 && y2 > y1)) continue;
    const landmarks: Point[] = [];
    for (let k = 0; k < 5; k++) landmarks.push([cx(rows[o + 4 + 2 * k]), cy(rows[o + 5 + 2 * k])]);
    faces.push({ box: [x1, y1, x2 - x1, y2 - y1], score: rows[o + SCORE], landmarks });
  }
  return faces;
}
