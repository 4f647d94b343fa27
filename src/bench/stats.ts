// Small statistics and scheduling helpers for the benchmarks (pure functions, unit-tested).

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median (mean of the middle two for an even count), min and max; NaNs for an empty list. */
export function summarize(xs: readonly number[]): Summary {
  if (!xs.length) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/**
 * Round-robin plan: which runners take a sample in each round, so that runner i takes `counts[i]`
 * samples spread evenly over max(counts) rounds (a slow runner with 3 samples runs in rounds 0, r/3,
 * 2r/3, not in the first three). Interleaving spreads machine noise (other jobs on the 2 shared
 * cores) over every runner instead of landing on whichever ran at the time.
 */
export function roundRobin(counts: readonly number[]): number[][] {
  const rounds = Math.max(0, ...counts);
  const plan: number[][] = Array.from({ length: rounds }, () => []);
  counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) plan[Math.floor((k * rounds) / c)].push(i);
  });
  return plan;
}

/** Samples that fit `budgetMs` at `estimateMs` each, clamped to [lo, hi]. */
export function samplesFor(estimateMs: number, budgetMs: number, lo: number, hi: number): number {
  if (!(estimateMs > 0)) return hi;
  return Math.max(lo, Math.min(hi, Math.floor(budgetMs / estimateMs)));
}

/** Max |a[i] - b[i]|; Infinity on a length mismatch or a NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Seeded uniform numbers in [lo, hi) (mulberry32), so every runtime gets the same input. */
export function seededUniform(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}
