// How many threads new wasm heaps ask for. The entries that run plans set it (the inference worker:
// up to 4 where the page is cross-origin isolated; the bench worker: --threads); tests pass their
// own count to HeapLayout.build.
let count = 1;

export function wasmThreads(): number {
  return count;
}

export function setWasmThreads(n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) throw new Error(`setWasmThreads: ${n} is not an integer in 1..64`);
  count = n;
}

/**
 * The app's default: one thread fewer than the cores the browser reports (one stays for the page,
 * video decoding and the other worker), at most 4 (small models: more threads mostly wait at
 * barriers). A 2-core machine runs one: there a second thread was slower (docs/benchmarks.md).
 */
export function defaultWasmThreads(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, cores - 1));
}

/** Why this realm cannot share memory with workers (null: it can): browsers give SharedArrayBuffer only to cross-origin isolated pages. */
export function isolationMissing(): string | null {
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return 'the page is not cross-origin isolated';
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  return null;
}

/** The app's choice, the same in the page (which says it) and in its workers (which use it): threads and, when one, why. */
export function appWasmThreads(): { count: number; why: string | null } {
  const why = isolationMissing();
  if (why) return { count: 1, why };
  const count = defaultWasmThreads();
  // One thread on a small device is a choice, not a failure: say so in plain words.
  if (count > 1) return { count, why: null };
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return { count, why: cores >= 2 ? `one of this device's ${cores} processor cores stays free for the camera and the page` : 'this device reports one processor core' };
}
