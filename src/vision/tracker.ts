// Tracking across frames (pure CPU): stable ids, per-track smoothing, label hysteresis.
//
//   - Matching: a detection continues the track whose last box overlaps it most (IoU ≥ iou), or,
//     failing that, whose centre is within `centre` × the box side and whose size is within 2× (a
//     fast move between frames can leave no overlap). Greedy, best pairs first; one detection per
//     track. Unmatched detections start tracks with fresh ids (1, 2, 3, … never reused).
//   - Smoothing: each track keeps its own exponential moving average of the class probabilities,
//     s ← (1 − α)·s + α·p, starting from its first observation: faces never share a window.
//   - Hysteresis: the shown label changes only when another class leads the shown one by `margin`
//     in the smoothed probabilities for `hold` frames in a row.
//   - Expiry: a track not seen for more than `maxGap` frames leaves the live tracks but is
//     remembered (the last `memory` of them). A detection that continues no live track takes back
//     the id of a remembered or unmatched track when (a) the frames carry media times and that
//     track was seen at about this media time (within `timeTolerance` s) at this place: a clip that
//     loops or is sought back gives its faces their first pass's ids; or (b) the track was lost at
//     most `reviveFrames` frames ago at this place: a face that turned away for a while. Otherwise
//     it gets a new id.
//   - Gender schedule: a face's gender does not change within a track, so the camera pipeline asks
//     `genderDue(boxes)` before running the gender model and runs it only for the faces due: a new
//     track (or one without a gender yet) at once, on its first frame; then every frame while the
//     track has had fewer than `genderWarmup` gender runs and its smoothed top probability is under
//     `genderConfident`; after that every `genderEvery` frames. A face not due passes
//     `gender: 'keep'` to `update`, which reuses the track's smoothed gender as it stands.
//     `genderDue` matches exactly as the next `update` will (same state, same greedy matching).
//   - Emotion schedule (face following only): `emotionDue(boxes, every)` says which faces need the
//     emotion model this frame: a new track at once, then every `every` frames (1 = every frame).
//     A face not due passes `emotion: 'keep'` and shows its track's smoothed emotion as it stands.
import type { Point } from './crop-policy';

export interface TrackerOptions {
  /** IoU at or above which a detection continues a track. Default 0.3. */
  iou: number;
  /** Centre distance (in box sides) under which a non-overlapping detection may still match. Default 0.6. */
  centre: number;
  /** EMA weight of the new frame's probabilities. Default 0.35 (half-life about 1.6 frames). */
  alpha: number;
  /** How far the challenger must lead the shown label. Default 0.08. */
  margin: number;
  /** For how many consecutive frames. Default 3. */
  hold: number;
  /** Frames a track survives unseen. Default 8. */
  maxGap: number;
  /** Expired tracks remembered for taking their ids back. Default 64. */
  memory: number;
  /** A remembered track lost at most this many frames ago takes a detection at its last place. Default 60. */
  reviveFrames: number;
  /** Media-time match (loops, seeks back): within this many seconds. Default 0.25. */
  timeTolerance: number;
  /** Gender schedule: re-run the gender model for a settled track every this many frames. Default 15. */
  genderEvery: number;
  /** Gender schedule: run every frame for the first this many runs unless already confident. Default 3. */
  genderWarmup: number;
  /** Gender schedule: smoothed top probability that counts as confident. Default 0.9. */
  genderConfident: number;
}

export const DEFAULT_TRACKER: TrackerOptions = {
  iou: 0.3, centre: 0.6, alpha: 0.35, margin: 0.08, hold: 3, maxGap: 8, memory: 64, reviveFrames: 60, timeTolerance: 0.25, genderEvery: 15, genderWarmup: 3, genderConfident: 0.9,
};

export interface Detection {
  box: [number, number, number, number];
  score: number;
  landmarks: Point[];
}

/** One face of a frame with its classifier outputs (probabilities in the classes' order). */
export interface Observation<F extends Detection = Detection> {
  face: F;
  /** This frame's emotion probabilities; 'keep' = not run this frame (only for a face that continues a track). */
  emotion: ArrayLike<number> | 'keep';
  /** This frame's gender probabilities; 'keep' = not run this frame, reuse the track's smoothed gender; absent = gender off. */
  gender?: ArrayLike<number> | 'keep';
}

export interface Labelled {
  label: string;
  probs: Record<string, number>;
}

/**
 * genderRow: the track's smoothed gender output row (the classes' probabilities, then any extra
 * outputs such as the age bands, all smoothed alike), for the decline rule (src/nn/gender/decline.ts).
 */
export type TrackedFace<F extends Detection = Detection> = F & { track: number; emotion: Labelled; gender?: Labelled; genderRow?: Float64Array };

/** Smoothed probabilities plus the hysteresis state of one classifier on one track. */
class Smoothed {
  readonly probs: Float64Array;
  label: number;
  private challenger = -1;
  private streak = 0;

  /** k: how many of p's entries are the classes (the label is theirs); the rest are smoothed alongside. */
  constructor(p: ArrayLike<number>, private readonly k = p.length) {
    this.probs = Float64Array.from(p);
    this.label = argmax(this.probs, k);
  }

  update(p: ArrayLike<number>, o: TrackerOptions): void {
    for (let i = 0; i < this.probs.length; i++) this.probs[i] = (1 - o.alpha) * this.probs[i] + o.alpha * p[i];
    const top = argmax(this.probs, this.k);
    if (top === this.label || this.probs[top] - this.probs[this.label] < o.margin) {
      this.challenger = -1;
      this.streak = 0;
      return;
    }
    this.streak = top === this.challenger ? this.streak + 1 : 1;
    this.challenger = top;
    if (this.streak >= o.hold) {
      this.label = top;
      this.challenger = -1;
      this.streak = 0;
    }
  }

  out(classes: readonly string[]): Labelled {
    return { label: classes[this.label], probs: Object.fromEntries(classes.map((c, i) => [c, this.probs[i]])) };
  }
}

interface Track {
  id: number;
  box: [number, number, number, number];
  lastSeen: number;
  emotion: Smoothed;
  gender?: Smoothed;
  /** Gender observations folded into `gender`, and the frame of the last one. */
  genderRuns: number;
  genderFrame: number;
  /** The frame of the last emotion observation. */
  emotionFrame: number;
  /** Media time (s) and box of each frame it was seen on, when frames carry media times (at most SAMPLES). */
  seen: [number, [number, number, number, number]][];
}

/** Media-time samples kept per track (a 10 fps minute). */
const SAMPLES = 600;

function argmax(p: ArrayLike<number>, n = p.length): number {
  let k = 0;
  for (let i = 1; i < n; i++) if (p[i] > p[k]) k = i;
  return k;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Match quality in (0, 2]: IoU when it clears the bar, else a centre-distance score below it; 0 = no match. */
function affinity(t: readonly number[], d: readonly number[], o: TrackerOptions): number {
  const v = iou(t, d);
  if (v >= o.iou) return 1 + v;
  const side = Math.sqrt(Math.max(t[2] * t[3], 1e-9));
  const ratio = Math.sqrt((d[2] * d[3]) / Math.max(t[2] * t[3], 1e-9));
  if (ratio < 0.5 || ratio > 2) return 0;
  const dist = Math.hypot(t[0] + t[2] / 2 - d[0] - d[2] / 2, t[1] + t[3] / 2 - d[1] - d[3] / 2) / side;
  return dist < o.centre ? 1 - dist / o.centre : 0;
}

export class Tracker {
  private tracks: Track[] = [];
  /** Expired tracks, most recent last (at most options.memory). */
  private past: Track[] = [];
  private nextId = 1;
  private frame = 0;
  readonly options: TrackerOptions;

  constructor(
    private readonly emotionClasses: readonly string[],
    private readonly genderClasses: readonly string[] = ['female', 'male'],
    options: Partial<TrackerOptions> = {},
  ) {
    this.options = { ...DEFAULT_TRACKER, ...options };
  }

  /** Live tracks (seen within maxGap frames). */
  get size(): number {
    return this.tracks.length;
  }

  /** Forgets every track; ids start again at 1 (a new photo or video). */
  reset(): void {
    this.tracks = [];
    this.past = [];
    this.frame = 0;
    this.nextId = 1;
  }

  /** The live track each box would continue (greedy, best affinity first), or undefined for a new one. */
  private match(boxes: readonly (readonly number[])[]): (Track | undefined)[] {
    const o = this.options;
    const pairs: [number, number, number][] = [];
    this.tracks.forEach((t, ti) => boxes.forEach((box, di) => {
      const a = affinity(t.box, box, o);
      if (a > 0) pairs.push([a, ti, di]);
    }));
    pairs.sort((x, y) => y[0] - x[0]);
    const trackOf: (Track | undefined)[] = Array.from({ length: boxes.length }, () => undefined);
    const used = new Set<number>();
    for (const [, ti, di] of pairs) {
      if (used.has(ti) || trackOf[di]) continue;
      used.add(ti);
      trackOf[di] = this.tracks[ti];
    }
    return trackOf;
  }

  /**
   * For the next frame's detections (in the order `update` will get them): whether each needs the
   * gender model this frame (see the header's gender schedule). Does not change the tracker.
   */
  genderDue(boxes: readonly (readonly number[])[]): boolean[] {
    const o = this.options;
    const next = this.frame + 1;
    return this.match(boxes).map((t) => {
      if (!t?.gender) return true;
      if (next - t.genderFrame >= o.genderEvery) return true;
      return t.genderRuns < o.genderWarmup && t.gender.probs[t.gender.label] < o.genderConfident;
    });
  }

  /**
   * For the next frame's detections: the live track each would continue, as its id and the index of
   * the emotion label it shows now (undefined: no live track; a new or taken-back one). Does not
   * change the tracker.
   */
  peek(boxes: readonly (readonly number[])[]): ({ id: number; emotion: number } | undefined)[] {
    return this.match(boxes).map((t) => t && { id: t.id, emotion: t.emotion.label });
  }

  /**
   * For the next frame's detections: whether each needs the emotion model this frame (a new track,
   * or `every` frames since its last emotion run). Does not change the tracker.
   */
  emotionDue(boxes: readonly (readonly number[])[], every: number): boolean[] {
    const next = this.frame + 1;
    return this.match(boxes).map((t) => !t || next - t.emotionFrame >= every);
  }

  /**
   * For detections that continue no live track: a track to take the id of (header, "Expiry"):
   * greedy, best affinity first, among the live tracks no detection continues and the remembered ones.
   */
  private revive(boxes: readonly (readonly number[])[], trackOf: readonly (Track | undefined)[], time: number | undefined): (Track | undefined)[] {
    const o = this.options;
    const free = [...this.tracks.filter((t) => !trackOf.includes(t)), ...this.past];
    const pairs: [number, number, number][] = [];
    free.forEach((t, ti) => boxes.forEach((box, di) => {
      if (trackOf[di]) return;
      let a = 0;
      if (time !== undefined) {
        for (const [at, b] of t.seen) if (Math.abs(at - time) <= o.timeTolerance) a = Math.max(a, affinity(b, box, o));
      }
      if (!a && this.frame - t.lastSeen <= o.reviveFrames) a = affinity(t.box, box, o);
      if (a > 0) pairs.push([a, ti, di]);
    }));
    pairs.sort((x, y) => y[0] - x[0]);
    const out: (Track | undefined)[] = boxes.map(() => undefined);
    const used = new Set<number>();
    for (const [, ti, di] of pairs) {
      if (used.has(ti) || out[di]) continue;
      used.add(ti);
      out[di] = free[ti];
    }
    return out;
  }

  /**
   * One frame's observations → the same faces with track ids and smoothed, hysteresis-held labels.
   * `time`: the frame's media time in seconds (a video's currentTime), when it has one.
   */
  update<F extends Detection>(obs: readonly Observation<F>[], time?: number): TrackedFace<F>[] {
    const o = this.options;
    const trackOf = this.match(obs.map((ob) => ob.face.box));
    const back = this.revive(obs.map((ob) => ob.face.box), trackOf, time);
    this.frame++;
    const out: TrackedFace<F>[] = obs.map((ob, di) => {
      let t = trackOf[di];
      if (!t) {
        if (ob.emotion === 'keep') throw new Error('Tracker.update: a new track needs its emotion probabilities');
        t = back[di];
        if (t) {
          // An id taken back: fresh smoothing (the face may look otherwise now), the same id.
          this.past = this.past.filter((p) => p !== t);
          if (!this.tracks.includes(t)) this.tracks.push(t);
          t.emotion = new Smoothed(ob.emotion);
          t.emotionFrame = this.frame;
          t.gender = undefined;
          t.genderRuns = 0;
        } else {
          t = { id: this.nextId++, box: ob.face.box, lastSeen: this.frame, emotion: new Smoothed(ob.emotion), genderRuns: 0, genderFrame: 0, emotionFrame: this.frame, seen: [] };
          this.tracks.push(t);
        }
      } else if (ob.emotion !== 'keep') {
        t.emotion.update(ob.emotion, o);
        t.emotionFrame = this.frame;
      }
      t.box = [...ob.face.box];
      t.lastSeen = this.frame;
      if (time !== undefined) {
        t.seen.push([time, t.box]);
        if (t.seen.length > SAMPLES) t.seen.shift();
      }
      if (ob.gender === 'keep') {
        // Not run this frame: the track's smoothed gender stands (none if it never had one).
      } else if (ob.gender) {
        if (t.gender && trackOf[di]) t.gender.update(ob.gender, o);
        else {
          t.gender = new Smoothed(ob.gender, this.genderClasses.length);
          t.genderRuns = 0;
        }
        t.genderRuns++;
        t.genderFrame = this.frame;
      } else {
        t.gender = undefined;
        t.genderRuns = 0;
      }
      const r: TrackedFace<F> = { ...ob.face, track: t.id, emotion: t.emotion.out(this.emotionClasses) };
      if (t.gender) {
        r.gender = t.gender.out(this.genderClasses);
        r.genderRow = Float64Array.from(t.gender.probs);
      }
      return r;
    });
    for (const t of this.tracks) if (this.frame - t.lastSeen > o.maxGap) this.past.push(t);
    this.tracks = this.tracks.filter((t) => this.frame - t.lastSeen <= o.maxGap);
    if (this.past.length > o.memory) this.past.splice(0, this.past.length - o.memory);
    return out;
  }
}
