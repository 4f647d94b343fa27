// Heat maps in the camera frame's one GPU submission (issue 13, with gpu-frame-pass.ts): which faces
// get them and of which class, chosen before the pass (the tracker's answer order is known only
// after it), and the answer's FaceHeatMap list once the tracker has given the faces their ids.
import type { Affine } from '../kernels/types.js';
import type { FaceHeatMap } from './api.js';

/**
 * The faces (indices into the frame's detections) to explain, at most `max`: those continuing live
 * tracks in track-id order, then new ones in detection order, which is the answer's order (it sorts
 * by track id, and new tracks get ids in detection order). Targets: the asked class, or for
 * 'predicted' the label the face's track shows now (-1 for a new face: this frame's own prediction,
 * which is what a new track shows).
 */
export function chooseHeatFaces(peek: readonly ({ id: number; emotion: number } | undefined)[], target: 'predicted' | number, max: number): { faces: number[]; targets: number[] } {
  const order = peek.map((p, i) => [p?.id ?? Infinity, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
  const faces = order.slice(0, max);
  return { faces, targets: faces.map((i) => (target === 'predicted' ? (peek[i]?.emotion ?? -1) : target)) };
}

/**
 * The answer's heat maps, in its order (by track id): face faces[r] of the frame got row r of the
 * pass's crops (0..255 floats), maps and explained classes; trackOf[i] is detection i's track id,
 * affineOf(i) its emotion crop transform.
 */
export function heatMapsFromPass(
  pass: { crops: Float32Array; maps: Float32Array; targets: Int32Array },
  faces: readonly number[],
  trackOf: readonly number[],
  affineOf: (i: number) => Affine,
  size: number,
): { size: number; faces: FaceHeatMap[] } {
  const px = size * size;
  const out = faces.map((i, r): FaceHeatMap => ({
    track: trackOf[i],
    affine: affineOf(i),
    crop: Uint8Array.from(pass.crops.subarray(r * px, (r + 1) * px), (v) => Math.min(255, Math.max(0, Math.round(v)))),
    map: pass.maps.slice(r * px, (r + 1) * px),
    target: pass.targets[r],
  }));
  return { size, faces: out.sort((a, b) => a.track - b.track) };
}
