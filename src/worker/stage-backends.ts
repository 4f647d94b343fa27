// Each stage of the camera pipeline (the face detector, the classifiers) on its faster backend,
// chosen by measurement at load. Generic over backends: a stage lists a builder per backend it can
// run on, and `pickFastest` builds each, times it on a dummy input (one warm-up run for shader
// compiles, then the best of a few), keeps the fastest and disposes the rest. Adding a backend
// (the WebAssembly kernels' 'wasm') is one more builder in the stage's list.
import type { Backend } from './api';

export interface StageCandidate<T> {
  backend: Backend;
  build(): Promise<T>;
}

export interface Picked<T> {
  impl: T;
  backend: Backend;
  /** Milliseconds per run of each candidate timed (absent when there was only one). */
  ms: Partial<Record<Backend, number>>;
}

/** Timed runs per candidate after the warm-up, within a budget (load time: the camera e2e test waits 120 s for load on a machine at load average 38). */
const REPS = 2;
const BUDGET_MS = 500;

async function time(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up: pipeline compiles, first allocations
  let best = Infinity;
  const t0 = performance.now();
  for (let i = 0; i < REPS && (i === 0 || performance.now() - t0 < BUDGET_MS); i++) {
    const t = performance.now();
    await run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * Builds the candidates and keeps the fastest at `run` (one candidate: built, not timed). A
 * candidate that fails to build or run is skipped; when all fail, the first one's error is thrown.
 */
export async function pickFastest<T extends { dispose(): void }>(candidates: readonly StageCandidate<T>[], run: (impl: T) => Promise<unknown>): Promise<Picked<T>> {
  if (!candidates.length) throw new Error('pickFastest: no candidate backend');
  if (candidates.length === 1) return { impl: await candidates[0].build(), backend: candidates[0].backend, ms: {} };
  let best: { impl: T; backend: Backend; ms: number } | undefined;
  const ms: Partial<Record<Backend, number>> = {};
  let firstError: unknown;
  for (const c of candidates) {
    let impl: T | undefined;
    try {
      impl = await c.build();
      const t = await time(() => run(impl!));
      ms[c.backend] = t;
      if (!best || t < best.ms) {
        best?.impl.dispose();
        best = { impl, backend: c.backend, ms: t };
      } else impl.dispose();
    } catch (e) {
      impl?.dispose();
      firstError ??= e;
    }
  }
  if (!best) throw firstError;
  return { impl: best.impl, backend: best.backend, ms };
}

const NAMES: Record<Backend, string> = { webgpu: 'WebGPU', wasm: 'the CPU', cpu: 'the CPU (reference code)' };
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

/** "the face detector runs on WebGPU (412 ms a frame; the CPU 1310 ms)": one stage's choice in plain words. */
export function describeStage(stage: string, p: Pick<Picked<unknown>, 'backend' | 'ms'>, unit: string): string {
  const others = Object.entries(p.ms).filter(([b]) => b !== p.backend) as [Backend, number][];
  const own = p.ms[p.backend];
  const timing = own === undefined ? '' : ` (${fmt(own)} ${unit}${others.map(([b, t]) => `; ${NAMES[b]} ${fmt(t)}`).join('')})`;
  // "the emotion and gender models run", "the face detector runs"
  return `${stage} ${/ and .*s$/.test(stage) ? 'run' : 'runs'} on ${NAMES[p.backend]}${timing}`;
}
