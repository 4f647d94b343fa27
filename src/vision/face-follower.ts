// Face following (issue 13): the full-frame detector only when it is needed, and between those
// frames YuNet on a small window around each face found last time, as MediaPipe and Human schedule
// their detectors. Pure bookkeeping, no GPU: the pipeline asks `plan()` what to run on a frame,
// runs it, and reports back with `found()` (full frame) or `follow()` (windows).
//
// Full-frame detection runs: on the first frame (and after reset), when there was no face to
// follow, at least every `everyFrames` analysed frames or every `everyMs` milliseconds but never
// sooner than `minFrames` frames (so a new face is picked up within that; on a slow machine, where
// one frame takes longer than everyMs, a timer alone would make every frame a full-frame one), and after a followed face is lost (its window held no face like it): then
// on every frame until as many faces as before are found again or `huntFrames` frames have passed
// (the tracker keeps a lost track's id for 8 frames, so a face that turns away briefly keeps it).
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
  /** Window side as a multiple of the face box's longer side. Default 2. */
  windowScale?: number;
  /** A face found in a window is the followed one only when its size is within this factor of the last box. Default 1.6. */
  maxResize?: number;
  /** After a loss, full-frame frames while fewer faces than before are found, at most this many. Default 8. */
  huntFrames?: number;
}

export type DetectPlan = { kind: 'full' } | { kind: 'windows'; windows: Window[] };

const iou = (a: Box, b: Box) => {
  const x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]), y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / Math.max(1e-9, a[2] * a[3] + b[2] * b[3] - inter);
};

export class FaceFollower {
  private readonly o: Required<FollowerOptions>;
  /** The faces being followed: their boxes on the last analysed frame. */
  private boxes: Box[] = [];
  private needFull = true;
  private sinceFull = 0;
  private lastFullAt = -Infinity;
  /** Full-frame frames left to find a lost face again, and how many faces there were before. */
  private hunt = 0;
  private expected = 0;

  constructor(options: FollowerOptions = {}) {
    this.o = { everyFrames: 10, everyMs: 1000, windowScale: 2, maxResize: 1.6, huntFrames: 8, minFrames: 3, ...options };
    if (!(this.o.everyFrames >= 1)) throw new Error(`FaceFollower: everyFrames ${this.o.everyFrames} must be at least 1`);
    if (!(this.o.windowScale >= 1)) throw new Error(`FaceFollower: windowScale ${this.o.windowScale} must be at least 1`);
  }

  /** Forget everything: the next frame gets the full-frame detector. */
  reset(): void {
    this.boxes = [];
    this.needFull = true;
    this.sinceFull = 0;
    this.lastFullAt = -Infinity;
    this.hunt = 0;
    this.expected = 0;
  }

  /** What to run on the frame analysed at `now` (ms). */
  plan(now: number): DetectPlan {
    const due = this.needFull || this.hunt > 0 || !this.boxes.length || this.sinceFull >= this.o.everyFrames
      || (this.sinceFull >= this.o.minFrames && now - this.lastFullAt >= this.o.everyMs);
    if (due) return { kind: 'full' };
    return { kind: 'windows', windows: this.boxes.map((b) => this.window(b)) };
  }

  /** The window around a box: windowScale × its longer side, centred on it. */
  window([x, y, w, h]: Box): Window {
    const side = this.o.windowScale * Math.max(w, h);
    return [x + w / 2 - side / 2, y + h / 2 - side / 2, side];
  }

  /** After a full-frame detection at `now`: these faces are followed from here. */
  found(faces: readonly Face[], now: number): void {
    this.boxes = faces.map((f) => [...f.box]);
    this.hunt = faces.length >= this.expected ? 0 : Math.max(0, this.hunt - 1);
    this.needFull = false;
    this.sinceFull = 1;
    this.lastFullAt = now;
  }

  /**
   * After window detection: per window (plan order), the faces found in it. Returns the followed
   * faces (one per window at most: the one nearest the window's centre, of a size like the last
   * box's, a duplicate of another window's face dropped) and how many were lost; a loss makes
   * the next frame a full-frame one.
   */
  follow(perWindow: readonly (readonly Face[])[]): { faces: Face[]; lost: number } {
    if (perWindow.length !== this.boxes.length) throw new Error(`FaceFollower.follow: ${perWindow.length} windows for ${this.boxes.length} faces`);
    const picked: Face[] = [];
    let lost = 0;
    perWindow.forEach((faces, i) => {
      const [bx, by, bw, bh] = this.boxes[i];
      const cx = bx + bw / 2, cy = by + bh / 2, size = Math.max(bw, bh);
      let best: Face | undefined, bestD = Infinity;
      for (const f of faces) {
        const s = Math.max(f.box[2], f.box[3]);
        if (s > size * this.o.maxResize || s < size / this.o.maxResize) continue;
        const d = Math.hypot(f.box[0] + f.box[2] / 2 - cx, f.box[1] + f.box[3] / 2 - cy);
        if (d < bestD) [best, bestD] = [f, d];
      }
      // Two windows that found the same face (two faces that merged, or one that left): keep one.
      const twin = best && picked.findIndex((p) => iou(p.box, best!.box) > 0.5);
      if (!best || (twin !== undefined && twin >= 0 && picked[twin].score >= best.score)) lost++;
      else if (twin !== undefined && twin >= 0) {
        picked[twin] = best;
        lost++;
      } else picked.push(best);
    });
    if (lost) {
      this.hunt = this.o.huntFrames;
      this.expected = this.boxes.length;
    }
    this.boxes = picked.map((f) => [...f.box]);
    this.sinceFull++;
    return { faces: picked, lost };
  }
}
