// Face following (issue 13): the full-frame detector only when it is needed, and between those
// frames YuNet on a small window around each face found last time, as MediaPipe and Human schedule
// their detectors. Pure bookkeeping, no GPU: the pipeline asks `plan()` what to run on a frame,
// runs it, and reports back with `found()` (full frame) or `follow()` (windows).
//
// Full-frame detection runs on the first frame (and after reset), when there is no face to follow,
// at least every `everyFrames` analysed frames, and every `everyMs` milliseconds or after a face
// was lost, but never sooner than `minFrames` frames after the last one (so a new face is picked up
// within everyFrames frames or about everyMs; on a slow machine, where one frame takes longer than
// everyMs, a timer alone would make every frame a full-frame one). A followed face that is not
// found (it turned away, or was hidden) stays a ghost for `huntFrames` frames: its window is still
// searched, so when it comes back it is followed again and the tracker keeps its id.
import type { Face } from './types.js';

export type Box = [number, number, number, number];
/** A square window of the frame: x, y (top-left, may be outside the frame) and side, in frame pixels. */
export type Window = [number, number, number];

export interface FollowerOptions {
  /** Full-frame detection at least every this many analysed frames. Default 10. */
  everyFrames?: number;
  /** ... and at least every this many milliseconds, once minFrames frames have passed. Default 1000. */
  everyMs?: number;
  /** Frames since the last full-frame detection before everyMs may ask for another. Default 3. */
  minFrames?: number;
  /** Window side as a multiple of the face box's longer side. Default 2.5. */
  windowScale?: number;
  /** A face found in a window is the followed one only when its size is within this factor of the last box. Default 1.6. */
  maxResize?: number;
  /** Frames a lost face's window is still searched (the tracker keeps its id as long). Default 8. */
  huntFrames?: number;
}

export type DetectPlan = { kind: 'full' } | { kind: 'windows'; windows: Window[] };

const iou = (a: Box, b: Box) => {
  const x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]), y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / Math.max(1e-9, a[2] * a[3] + b[2] * b[3] - inter);
};

/** A followed face: its last box, and for how many frames it has not been found (0: found last frame). */
interface Followed {
  box: Box;
  missed: number;
}

/** Whether detection `b` is the followed face `a` seen again (overlap, or its centre inside a's box). */
const same = (a: Box, b: Box) => iou(a, b) > 0.3 || (Math.abs(b[0] + b[2] / 2 - a[0] - a[2] / 2) < a[2] / 2 && Math.abs(b[1] + b[3] / 2 - a[1] - a[3] / 2) < a[3] / 2);

export class FaceFollower {
  private readonly o: Required<FollowerOptions>;
  /** The faces being followed (found ones and ghosts), in a stable order. */
  private faces: Followed[] = [];
  private sinceFull = 0;
  private lastFullAt = -Infinity;
  /** A face was lost since the last full-frame detection. */
  private lossPending = false;

  constructor(options: FollowerOptions = {}) {
    this.o = { everyFrames: 10, everyMs: 1000, windowScale: 2.5, maxResize: 1.6, huntFrames: 8, minFrames: 3, ...options };
    if (!(this.o.everyFrames >= 1)) throw new Error(`FaceFollower: everyFrames ${this.o.everyFrames} must be at least 1`);
    if (!(this.o.windowScale >= 1)) throw new Error(`FaceFollower: windowScale ${this.o.windowScale} must be at least 1`);
  }

  /** Forget everything: the next frame gets the full-frame detector. */
  reset(): void {
    this.faces = [];
    this.sinceFull = 0;
    this.lastFullAt = -Infinity;
    this.lossPending = false;
  }

  /** What to run on the frame analysed at `now` (ms). */
  plan(now: number): DetectPlan {
    const o = this.o;
    const due = !this.faces.length || this.sinceFull >= o.everyFrames
      || (this.sinceFull >= o.minFrames && (this.lossPending || now - this.lastFullAt >= o.everyMs));
    if (due) return { kind: 'full' };
    return { kind: 'windows', windows: this.faces.map((f) => this.window(f.box)) };
  }

  /** The window around a box: windowScale × its longer side, centred on it. */
  window([x, y, w, h]: Box): Window {
    const side = this.o.windowScale * Math.max(w, h);
    return [x + w / 2 - side / 2, y + h / 2 - side / 2, side];
  }

  /** After a full-frame detection at `now`: these faces are followed from here, with the ghosts it did not find. */
  found(faces: readonly Face[], now: number): void {
    const fresh: Followed[] = faces.map((f) => ({ box: [...f.box], missed: 0 }));
    const ghosts = this.faces
      .filter((g) => !faces.some((f) => same(g.box, f.box)))
      .map((g) => ({ box: g.box, missed: g.missed + 1 }))
      .filter((g) => g.missed <= this.o.huntFrames);
    this.faces = [...fresh, ...ghosts];
    this.sinceFull = 1;
    this.lastFullAt = now;
    this.lossPending = false;
  }

  /**
   * After window detection: per window (plan order), the faces found in it. Returns the faces found
   * (one per window at most: the one nearest the window's centre, of a size like the last box's; a
   * duplicate of another window's face dropped) and how many faces found last frame were not.
   */
  follow(perWindow: readonly (readonly Face[])[]): { faces: Face[]; lost: number } {
    if (perWindow.length !== this.faces.length) throw new Error(`FaceFollower.follow: ${perWindow.length} windows for ${this.faces.length} faces`);
    const picked: (Face | undefined)[] = [];
    let lost = 0;
    const next: Followed[] = [];
    perWindow.forEach((found, i) => {
      const me = this.faces[i];
      const [bx, by, bw, bh] = me.box;
      const cx = bx + bw / 2, cy = by + bh / 2, size = Math.max(bw, bh);
      let best: Face | undefined, bestD = Infinity;
      for (const f of found) {
        const s = Math.max(f.box[2], f.box[3]);
        if (s > size * this.o.maxResize || s < size / this.o.maxResize) continue;
        const d = Math.hypot(f.box[0] + f.box[2] / 2 - cx, f.box[1] + f.box[3] / 2 - cy);
        if (d < bestD) [best, bestD] = [f, d];
      }
      // Two windows that found the same face (two faces that merged, or a ghost that found a neighbour): keep one.
      const twin = best ? picked.findIndex((p) => p !== undefined && iou(p.box, best!.box) > 0.5) : -1;
      if (best && twin >= 0) {
        if (picked[twin]!.score >= best.score) best = undefined;
        else {
          picked[twin] = undefined;
          next[twin] = { ...next[twin], missed: 1 };
        }
      }
      picked.push(best);
      if (best) next.push({ box: [...best.box], missed: 0 });
      else {
        if (me.missed === 0) lost++;
        next.push({ box: me.box, missed: me.missed + 1 });
      }
    });
    this.faces = next.filter((f) => f.missed <= this.o.huntFrames);
    this.sinceFull++;
    if (lost) this.lossPending = true;
    return { faces: picked.filter((f): f is Face => f !== undefined), lost };
  }
}
