// A video's analysed frames as per-track series (for the charts) and as the downloads: JSON Lines
// with exactly the fields and rounding of `npm run analyze` (the one faceLine of src/vision/face-line.js), and a
// CSV with one row per face and frame.
import type { PipelineFace } from '../../worker/frame-pipeline';
import { faceLine, r4 } from '../../vision/face-line.js';

export interface TimelineFrame {
  /** Frame index at the assumed frame rate (as the CLI numbers them). */
  frame: number;
  /** Seconds into the video where it was read. */
  time: number;
  faces: PipelineFace[];
}

export interface TrackPoint {
  frame: number;
  time: number;
  label: string;
  probs: Record<string, number>;
}

/** Each track's points in time order, tracks in id order. */
export function trackSeries(frames: readonly TimelineFrame[]): Map<number, TrackPoint[]> {
  const out = new Map<number, TrackPoint[]>();
  for (const f of frames) {
    for (const face of f.faces) {
      let s = out.get(face.track);
      if (!s) out.set(face.track, (s = []));
      s.push({ frame: f.frame, time: f.time, label: face.emotion.label, probs: face.emotion.probs });
    }
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** The label a track shows most often, and in what share of its points. */
export function dominant(points: readonly TrackPoint[]): { label: string; share: number } {
  const n = new Map<string, number>();
  for (const p of points) n.set(p.label, (n.get(p.label) ?? 0) + 1);
  const [label, k] = [...n].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  return { label, share: points.length ? k / points.length : 0 };
}

export { faceLine };

/** `{"file", "frame", "faces"}` per analysed frame, as `npm run analyze` prints. */
export function toJsonl(file: string, frames: readonly TimelineFrame[]): string {
  return frames.map((f) => JSON.stringify({ file, frame: f.frame, faces: f.faces.map(faceLine) })).join('\n') + (frames.length ? '\n' : '');
}

const csvCell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One row per face and frame: the same fields flattened (a frame without faces gets no row). */
export function toCsv(file: string, frames: readonly TimelineFrame[], classes: readonly string[], genderClasses: readonly string[]): string {
  const head = ['file', 'frame', 'time', 'track', 'x', 'y', 'width', 'height', 'score',
    ...[0, 1, 2, 3, 4].flatMap((i) => [`landmark${i}_x`, `landmark${i}_y`]),
    'emotion', ...classes.map((c) => `p_${c}`), 'gender', ...genderClasses.map((c) => `p_${c}`)];
  const rows = frames.flatMap((f) => f.faces.map((face) => {
    const l = faceLine(face);
    const lm = [0, 1, 2, 3, 4].flatMap((i) => l.landmarks[i] ?? ['', '']);
    return [file, f.frame, r4(f.time), l.track, ...l.box, l.score, ...lm, l.emotion.label, ...classes.map((c) => l.emotion.probs[c] ?? ''),
      l.gender?.label ?? '', ...genderClasses.map((c) => l.gender?.probs[c] ?? '')];
  }));
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
