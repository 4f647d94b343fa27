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

/** The app's default: the cores the browser reports, capped at 4 (small models: more threads mostly wait at barriers). */
export function defaultWasmThreads(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, cores));
}
