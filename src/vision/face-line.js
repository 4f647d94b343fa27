// One face as `npm run analyze` writes it in a JSON line (rounded numbers, the contract's field order),
// shared by the CLI (tools/analyze.mjs, plain Node) and the page's timeline downloads
// (src/ui/timeline/timeline-data.ts), so the two cannot drift. Plain JavaScript so Node imports it
// without a build; types in face-line.d.ts.

/** 4 decimals: probabilities and scores. */
export const r4 = (v) => Math.round(v * 1e4) / 1e4;
/** 2 decimals: pixel coordinates. */
export const r2 = (v) => Math.round(v * 100) / 100;
/** Every probability of a {label: p} record to 4 decimals. */
export const round4 = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, r4(v)]));

/**
 * A pipeline face -> {box, score, landmarks, track, emotion: {label, probs}, gender?: {label, probs,
 * reason?}}. A declined gender has label null and its reason ("child" | "unsure").
 */
export function faceLine(f) {
  return {
    box: f.box.map(r2),
    score: r4(f.score),
    landmarks: f.landmarks.map((p) => p.map(r2)),
    track: f.track,
    emotion: { label: f.emotion.label, probs: round4(f.emotion.probs) },
    ...(f.gender ? { gender: { label: f.gender.label, probs: round4(f.gender.probs), ...(f.gender.reason ? { reason: f.gender.reason } : {}) } } : {}),
  };
}
