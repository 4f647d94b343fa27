// The worker pool behind the wasm kernels' threads: N-1 workers (kernel.worker.ts) and the calling
// thread share one WebAssembly.Memory({ shared: true }); each instantiates the same compiled kernels
// on it. A run replays a recorded program (program.ts): every thread takes its slice of each call's
// row range, then all meet at a barrier before the next call. Synchronisation is Atomics on a small
// control block inside the same memory: the caller bumps GEN to start a job; ARRIVE counts barrier
// arrivals and only ever grows (a job's barriers are BASE + N, BASE + 2N, ...), so no reset can
// race a thread still leaving the previous barrier. Waits spin briefly, then block in Atomics.wait
// where the thread may block (workers; not a page's main thread, which only spins).

import { decode, runSlice, runWhole, type BoundCall } from './program.js';
import type { KernelExports } from './kernel-exports.js';

/** Int32 slots of the control block. */
export const Slot = { GEN: 0, ARRIVE: 1, PROG: 2, BASE: 3, QUIT: 4, ERROR: 5, MODE: 6, EACH: 8 } as const;
/** MODE: every thread its slice of one program (per-call barriers), or (EACH) thread t its own whole program at ctl[EACH + t], one barrier at the end. */
export const Mode = { SPLIT: 0, EACH: 1 } as const;
/** Threads the control block has EACH slots for. */
export const MAX_THREADS = 8;
export const CONTROL_INTS = 16;


/**
 * Spins before blocking: a barrier usually opens within microseconds while a plan runs; but on an
 * oversubscribed machine the thread being waited for may be descheduled, and spinning then only
 * takes its core, so the spin is short.
 */
const SPIN = 2000;

let waitAllowed: boolean | undefined;
/** Whether this thread may block in Atomics.wait (workers yes; a page's main thread no). */
export function canBlock(): boolean {
  if (waitAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      waitAllowed = true;
    } catch {
      waitAllowed = false;
    }
  }
  return waitAllowed;
}

/** Returns once ctl[slot] has moved past `from` (wrap-safe): spins, then blocks if allowed. */
export function waitPast(ctl: Int32Array, slot: number, from: number, block: boolean): void {
  for (let spins = 0; ; spins++) {
    const v = Atomics.load(ctl, slot);
    if (v !== from) return;
    if (block && spins > SPIN) Atomics.wait(ctl, slot, v);
  }
}

function waitReach(ctl: Int32Array, target: number, block: boolean): void {
  for (let spins = 0; ; spins++) {
    const v = Atomics.load(ctl, Slot.ARRIVE);
    if (((v - target) | 0) >= 0) return;
    if (block && spins > SPIN) Atomics.wait(ctl, Slot.ARRIVE, v);
  }
}

/** Thread t runs a whole program alone (its own faces' buffers), then meets the others once. */
export function runOwn(ctl: Int32Array, calls: BoundCall[] | null, n: number, base: number, block: boolean): void {
  if (calls) {
    try {
      for (const c of calls) runWhole(c);
    } catch {
      Atomics.store(ctl, Slot.ERROR, 1);
    }
  }
  const target = (base + n) | 0;
  if (((Atomics.add(ctl, Slot.ARRIVE, 1) + 1) | 0) === target) Atomics.notify(ctl, Slot.ARRIVE);
  else waitReach(ctl, target, block);
}

/** Thread t of n replays `calls`, meeting the others at a barrier after each. A kernel that traps sets ERROR and still arrives. */
export function runThread(ctl: Int32Array, calls: BoundCall[], t: number, n: number, base: number, block: boolean): void {
  for (let c = 0; c < calls.length; c++) {
    try {
      runSlice(calls[c], t, n);
    } catch {
      Atomics.store(ctl, Slot.ERROR, 1);
    }
    if (n === 1) continue;
    const target = (base + (c + 1) * n) | 0;
    if (((Atomics.add(ctl, Slot.ARRIVE, 1) + 1) | 0) === target) Atomics.notify(ctl, Slot.ARRIVE);
    else waitReach(ctl, target, block);
  }
}

/** Decoded programs by their byte offset (a program never changes once written). */
export class ProgramCache {
  private readonly m = new Map<number, BoundCall[]>();
  constructor(private readonly k: KernelExports, private readonly memory: WebAssembly.Memory) {}
  get(ptr: number): BoundCall[] {
    let c = this.m.get(ptr);
    if (!c) {
      const count = new Float64Array(this.memory.buffer, ptr, 1)[0];
      const floats = programLength(new Float64Array(this.memory.buffer, ptr), count);
      c = decode(this.k, new Float64Array(this.memory.buffer, ptr, floats));
      this.m.set(ptr, c);
    }
    return c;
  }
}

function programLength(f: Float64Array, count: number): number {
  let i = 1;
  for (let c = 0; c < count; c++) i += 2 + f[i + 1];
  return i;
}

/** What a pool worker is sent once: the memory, the compiled kernels, where the control block is, its index. */
export interface WorkerInit { memory: WebAssembly.Memory; module: WebAssembly.Module; ctl: number; index: number; threads: number }

let workerUrl: URL | string | undefined;
/** Where kernel.worker.js is (each entry that runs plans sets it; default: beside the current script). */
export function setKernelWorkerUrl(url: URL | string): void {
  workerUrl = url;
}
function kernelWorkerUrl(): URL | string {
  return workerUrl ?? new URL('kernel.worker.js', (globalThis as { location?: Location }).location?.href);
}

/** The calling thread's side of the pool. */
export class KernelPool {
  private readonly ctl: Int32Array;
  private readonly block = canBlock();
  private disposed = false;

  private constructor(memory: WebAssembly.Memory, ctlPtr: number, readonly threads: number, private readonly workers: Worker[]) {
    this.ctl = new Int32Array(memory.buffer, ctlPtr, CONTROL_INTS);
  }

  /** Starts threads-1 workers on `memory` (shared) and waits until each has its kernels instantiated. */
  static async create(memory: WebAssembly.Memory, module: WebAssembly.Module, ctlPtr: number, threads: number): Promise<KernelPool> {
    const url = kernelWorkerUrl();
    const workers: Worker[] = [];
    try {
      await Promise.all(Array.from({ length: threads - 1 }, (_, i) => new Promise<void>((ok, fail) => {
        const w = new Worker(url, { type: 'module', name: `emolens-kernels-${i + 1}` });
        workers.push(w);
        w.onmessage = (e) => (e.data === 'ready' ? ok() : fail(new Error(`kernel worker ${i + 1}: ${String(e.data)}`)));
        w.onerror = (e) => fail(new Error(`kernel worker ${i + 1} (${String(url)}) failed to start: ${e.message || 'load error'}`));
        const init: WorkerInit = { memory, module, ctl: ctlPtr, index: i + 1, threads };
        w.postMessage(init);
      })));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new KernelPool(memory, ctlPtr, threads, workers);
  }

  private start(mode: number): number {
    if (this.disposed) throw new Error('KernelPool.run: the pool is disposed');
    const ctl = this.ctl;
    const base = Atomics.load(ctl, Slot.ARRIVE);
    Atomics.store(ctl, Slot.MODE, mode);
    Atomics.store(ctl, Slot.BASE, base);
    Atomics.add(ctl, Slot.GEN, 1);
    Atomics.notify(ctl, Slot.GEN);
    return base;
  }

  private finish(): void {
    if (Atomics.exchange(this.ctl, Slot.ERROR, 0)) throw new Error('wasm kernels: a kernel trapped on a pool thread');
  }

  /** Runs `calls` (the program at byte offset `ptr`, decoded for this thread) split across every thread; returns when all are done. */
  run(ptr: number, calls: BoundCall[]): void {
    Atomics.store(this.ctl, Slot.PROG, ptr);
    runThread(this.ctl, calls, 0, this.threads, this.start(Mode.SPLIT), this.block);
    this.finish();
  }

  /** Thread t runs the whole program at ptrs[t] (0 or missing: none), all at once; ptrs[0] is this thread's, decoded as `own`. */
  runEach(ptrs: number[], own: BoundCall[] | null): void {
    for (let t = 0; t < this.threads; t++) Atomics.store(this.ctl, Slot.EACH + t, ptrs[t] ?? 0);
    runOwn(this.ctl, own, this.threads, this.start(Mode.EACH), this.block);
    this.finish();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctl, Slot.QUIT, 1);
    Atomics.add(this.ctl, Slot.GEN, 1);
    Atomics.notify(this.ctl, Slot.GEN);
    for (const w of this.workers) w.terminate();
  }
}
