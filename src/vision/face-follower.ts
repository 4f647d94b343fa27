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
//
// At the resolution the faces need: while every followed face is large (at least minFaceInput px at
// a reducedSide input: 80 px in a 640 px frame), two of every three full-frame detections run at
// reducedSide (a quarter of the pixels); the third, and any after a loss, at full size, so a new
// small face still turns up within three full-frame detections.
//
// One face, one window: two windows that find the same face keep one (the other entry is dropped,
// not kept as a ghost), and a ghost whose window holds a face the full-frame detector found is
// dropped, as that face has its own window. Windows are never smaller than `minWindow` px (the
// detector's window input), so a window is never upscaled: YuNet on a small face's window blown up
// 2-3x found eyes and half-faces (score 0.6-0.8) that the full frame does not have. Without these,
// ghosts piled up on a panning camera (24 windows for 5 faces) and their windows drew boxes on
// half-faces (test/e2e/frame-truth.test.mjs on the wasm detector, which runs more window frames
// between full scans than the WebGPU one on this machine).
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
  /** Smallest window side in frame pixels: the detector's window input, so windows are never upscaled. Default 128. */
  minWindow?: number;
  /** The reduced full-frame input (longest side, px) used while every followed face is large. Default 320. */
  reducedSide?: number;
  /** A face's longer side at the detector's input (px) that the reduced input must keep. Default 40. */
  minFaceInput?: number;
  /** Every this many full-frame detections one runs at the full input anyway (new small faces). Default 3. */
  fullSizeEvery?: number;
}

/** Full frame (at maxSide when set: the reduced input), or windows around the followed faces. */
export type DetectPlan = { kind: 'full'; maxSide?: number } | { kind: 'windows'; windows: Window[] };

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
  /** Full-frame detections since the last reset. */
  private fullScans = 0;

  constructor(options: FollowerOptions = {}) {
    this.o = { everyFrames: 10, everyMs: 1000, windowScale: 2.5, maxResize: 1.6, huntFrames: 8, minFrames: 3, minWindow: 128, reducedSide: 320, minFaceInput: 40, fullSizeEvery: 3, ...options };
    if (!(this.o.everyFrames >= 1)) throw new Error(`FaceFollower: everyFrames ${this.o.everyFrames} must be at least 1`);
    if (!(this.o.windowScale >= 1)) throw new Error(`FaceFollower: windowScale ${this.o.windowScale} must be at least 1`);
  }

  /** Forget everything: the next frame gets the full-frame detector. */
  reset(): void {
    this.faces = [];
    this.sinceFull = 0;
    this.lastFullAt = -Infinity;
    this.lossPending = false;
    this.fullScans = 0;
  }

  /**
   * What to run on the frame analysed at `now` (ms). With the frame's longer side `frameSide` (px),
   * a full-frame detection runs at the reduced input (plan.maxSide) when the faces need no more: some
   * are followed, every one stays at least minFaceInput px there, no face was just lost, and it is
   * not the fullSizeEvery-th full-frame detection (which looks for new small faces at full size).
   */
  plan(now: number, frameSide?: number): DetectPlan {
    const o = this.o;
    const due = !this.faces.length || this.sinceFull >= o.everyFrames
      || (this.sinceFull >= o.minFrames && (this.lossPending || now - this.lastFullAt >= o.everyMs));
    if (!due) return { kind: 'windows', windows: this.faces.map((f) => this.window(f.box)) };
    const smallest = Math.min(...this.faces.map((f) => Math.max(f.box[2], f.box[3])));
    const reduce = frameSide !== undefined && frameSide > o.reducedSide && this.faces.length > 0 && !this.lossPending
      && (this.fullScans + 1) % o.fullSizeEvery !== 0 && (smallest * o.reducedSide) / frameSide >= o.minFaceInput;
    return reduce ? { kind: 'full', maxSide: o.reducedSide } : { kind: 'full' };
  }

  /** The window around a box: windowScale × its longer side (at least minWindow), centred on it. */
  window([x, y, w, h]: Box): Window {
    const side = Math.max(this.o.minWindow, this.o.windowScale * Math.max(w, h));
    return [x + w / 2 - side / 2, y + h / 2 - side / 2, side];
  }

  /** After a full-frame detection at `now`: these faces are followed from here, with the ghosts it did not find. */
  found(faces: readonly Face[], now: number): void {
    const fresh: Followed[] = faces.map((f) => ({ box: [...f.box], missed: 0 }));
    const ghosts = this.faces
      .filter((g) => !faces.some((f) => same(g.box, f.box) || this.wouldPick(g.box, f.box)))
      .map((g) => ({ box: g.box, missed: g.missed + 1 }))
      .filter((g) => g.missed <= this.o.huntFrames);
    this.faces = [...fresh, ...ghosts];
    this.fullScans++;
    this.sinceFull = 1;
    this.lastFullAt = now;
    this.lossPending = false;
  }

  /** Whether a window around `ghost` would take `face` for it: its centre inside the window, of a like size. */
  private wouldPick(ghost: Box, face: Box): boolean {
    const [wx, wy, side] = this.window(ghost);
    const cx = face[0] + face[2] / 2, cy = face[1] + face[3] / 2;
    const s = Math.max(face[2], face[3]), size = Math.max(ghost[2], ghost[3]);
    return cx >= wx && cx < wx + side && cy >= wy && cy < wy + side && s <= size * this.o.maxResize && s >= size / this.o.maxResize;
  }

  /**
   * After window detection: per window (plan order), the faces found in it. Returns the faces found
   * (one per window at most: the one nearest the window's centre, of a size like the last box's;
   * when two windows found the same face, the better-scored one keeps it and the other window's
   * entry is dropped) and how many faces found last frame were not.
   */
  follow(perWindow: readonly (readonly Face[])[]): { faces: Face[]; lost: number } {
    if (perWindow.length !== this.faces.length) throw new Error(`FaceFollower.follow: ${perWindow.length} windows for ${this.faces.length} faces`);
    const picked: (Face | undefined)[] = perWindow.map((found, i) => {
      const [bx, by, bw, bh] = this.faces[i].box;
      const cx = bx + bw / 2, cy = by + bh / 2, size = Math.max(bw, bh);
      let best: Face | undefined, bestD = Infinity;
      for (const f of found) {
        const s = Math.max(f.box[2], f.box[3]);
        if (s > size * this.o.maxResize || s < size / this.o.maxResize) continue;
        const d = Math.hypot(f.box[0] + f.box[2] / 2 - cx, f.box[1] + f.box[3] / 2 - cy);
        if (d < bestD) [best, bestD] = [f, d];
      }
      return best;
    });
    // One face, one window: of two windows that found the same face the better score keeps it.
    const dropped = new Set<number>();
    picked.forEach((a, i) => picked.forEach((b, j) => {
      if (i < j && a && b && !dropped.has(i) && !dropped.has(j) && same(a.box, b.box)) dropped.add(a.score >= b.score ? j : i);
    }));
    let lost = 0;
    const next: Followed[] = [];
    this.faces.forEach((me, i) => {
      if (dropped.has(i)) {
        if (me.missed === 0) lost++; // two faces followed last frame, one found now
        return;
      }
      const best = picked[i];
      if (best) next.push({ box: [...best.box], missed: 0 });
      else {
        if (me.missed === 0) lost++;
        next.push({ box: me.box, missed: me.missed + 1 });
      }
    });
    this.faces = next.filter((f) => f.missed <= this.o.huntFrames);
    this.sinceFull++;
    if (lost) this.lossPending = true;
    return { faces: picked.filter((f, i): f is Face => f !== undefined && !dropped.has(i)), lost };
  }
}
