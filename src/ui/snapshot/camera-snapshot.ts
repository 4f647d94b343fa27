// The snapshot card's input from the live view: the analysed frame's pixels and the result drawn
// on screen (`lastAnalysed`, as the frame loop exposes it), the three largest faces in track
// order, heat maps only when they are on, and the count of all faces in the picture.
import type { PipelineResult } from '../../worker/api';
import type { SnapshotFace, SnapshotInput } from './snapshot-card';
import { CARD_MAX_FACES } from './snapshot-card';
import { genderShown } from '../common/words';

/** A frame and the result computed from it (the contract the frame loop exposes as `lastAnalysed`). */
export interface Analysed {
  image: ImageBitmap;
  result: PipelineResult;
}

/** A face's model crop and heat map, when heat maps are on. */
export interface HeatMap {
  crop: Uint8Array;
  size: number;
  map: Float32Array;
  target: number;
}

/** `heat(track)`: that track's crop and heat map when heat maps are on. */
export function cameraSnapshot(a: Analysed | undefined, classes: readonly string[], heat: (track: number) => HeatMap | undefined, opacity: number, time = new Date()): SnapshotInput | undefined {
  if (!a?.result.faces.length) return undefined;
  const all = a.result.faces.map((f, i) => ({ f, i }));
  const area = (b: number[]) => b[2] * b[3];
  const shown = [...all].sort((p, q) => area(q.f.box) - area(p.f.box)).slice(0, CARD_MAX_FACES).sort((p, q) => p.f.track - q.f.track);
  const faces: SnapshotFace[] = shown.map(({ f }) => {
    const h = heat(f.track);
    return {
      crop: h?.crop ?? new Uint8Array(0),
      size: h?.size ?? 0,
      map: h?.map,
      target: h?.target,
      probs: classes.map((k) => f.emotion.probs[k] ?? 0),
      gender: f.gender ? genderShown(f.gender) : undefined,
      track: f.track,
      photo: { image: a.image, box: f.box },
    };
  });
  return { faces, total: a.result.faces.length, classes, time, opacity };
}
