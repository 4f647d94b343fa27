// The one linear memory of a wasm plan, laid out once at load: weights copied in (pre-packed) and
// every activation buffer reserved, then the memory is made at exactly that size and never grows,
// so no call allocates. The first 64 KiB are left to the module's own data and stack. With more
// than one thread (thread-count.ts) the memory is shared with a worker pool (threads.ts), and the
// plans' recorded programs (program.ts) run split across it.
import type { ConvW, DwW, PwW } from '../types.js';
import type { KernelExports } from './kernel-exports.js';
import { kernelModule, threadsUnavailable } from './module.js';
import { type Call, encode, runWhole } from './program.js';
import { CONTROL_INTS, KernelPool, MAX_THREADS, ProgramCache } from './threads.js';
import { wasmThreads } from './thread-count.js';

const RESERVED = 65536;
const PAGE = 65536;
/** Byte alignment of every buffer: a cache line, so v128 loads never straddle two. */
const ALIGN = 64;

/** Weights and tensors in wasm memory: byte offsets plus the shapes the kernels need. */
export interface WConv { w: number; b: number; kh: number; kw: number; cin: number; cout: number }
export interface WDw { w: number; b: number; c: number }
export interface WPw { w: number; b: number; cin: number; cout: number }

export type { KernelExports } from './kernel-exports.js';

/**
 * The threads a heap built with `threads` asked will get (barring a pool that fails to start):
 * capped at MAX_THREADS, one where the realm cannot share memory. Plans lay out per-thread buffers by it.
 */
export function plannedThreads(threads?: number): number {
  const t = Math.floor(threads ?? wasmThreads());
  if (!(t >= 1)) throw new Error(`wasm heap: threads = ${threads} must be at least 1`);
  return t > 1 && threadsUnavailable() === null ? Math.min(t, MAX_THREADS) : 1;
}

/** Collects buffers (with their initial contents) before the memory exists. */
export class HeapLayout {
  private end = RESERVED;
  private readonly inits: [number, Float32Array | Float64Array][] = [];

  /** Reserves `count` floats (filled with `init` when given); returns the byte offset. */
  alloc(count: number, init?: ArrayLike<number>): number {
    if (!(Number.isInteger(count) && count >= 0)) throw new Error(`HeapLayout.alloc: ${count} is not a float count`);
    const ptr = this.end;
    this.end += Math.ceil((count * 4) / ALIGN) * ALIGN;
    if (init) {
      if (init.length !== count) throw new Error(`HeapLayout.alloc: ${init.length} initial values for ${count} floats`);
      this.inits.push([ptr, Float32Array.from(init)]);
    }
    return ptr;
  }

  conv(c: ConvW): WConv {
    return { w: this.alloc(c.w.length, c.w), b: this.alloc(c.cout, c.b), kh: c.kh, kw: c.kw, cin: c.cin, cout: c.cout };
  }

  /** Depthwise 3x3 weights [3, 3, C] and an optional bias (b = 0: none). */
  dw(d: DwW, bias?: Float32Array): WDw {
    if (d.kh !== 3 || d.kw !== 3) throw new Error(`HeapLayout.dw: the wasm depthwise kernel is 3x3, got ${d.kh}x${d.kw}`);
    return { w: this.alloc(d.w.length, d.w), b: bias ? this.alloc(d.c, bias) : 0, c: d.c };
  }

  pw(p: PwW): WPw {
    return { w: this.alloc(p.w.length, p.w), b: this.alloc(p.cout, p.b), cin: p.cin, cout: p.cout };
  }

  /** Stores a recorded program (its calls' pointers must come from this layout). */
  program(calls: Call[]): Program {
    const f = encode(calls);
    const ptr = this.alloc(f.length * 2);
    this.inits.push([ptr, f]);
    return { ptr, calls: calls.length };
  }

  get bytes(): number {
    return this.end;
  }

  /**
   * Makes the memory, instantiates the kernels on it and writes the initial contents. threads:
   * how many threads run programs (default: thread-count.ts); more than one needs a cross-origin
   * isolated realm, else the heap runs on one and says why in `threadNote`. fma: false forces the
   * plain SIMD128 build (tests of both, the roofline).
   */
  async build(o: { threads?: number; fma?: boolean } = {}): Promise<WasmHeap> {
    const fma = o.fma ?? true;
    let threads = Math.floor(o.threads ?? wasmThreads());
    if (!(threads >= 1)) throw new Error(`HeapLayout.build: threads = ${o.threads} must be at least 1`);
    threads = Math.min(threads, MAX_THREADS);
    let note = threads > 1 ? threadsUnavailable() : null;
    if (note) threads = 1;
    const ctl = threads > 1 ? this.alloc(CONTROL_INTS) : 0;
    const pages = Math.ceil(this.end / PAGE);
    const shared = threads > 1;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
    const module = await kernelModule(shared ? 'shared' : 'single', fma);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    let pool: KernelPool | null = null;
    if (shared) {
      try {
        pool = await KernelPool.create(memory, module, ctl, threads);
      } catch (e) {
        note = e instanceof Error ? e.message : String(e);
        console.warn(`emolens: wasm kernels fall back to one thread: ${note}`);
      }
    }
    const heap = new WasmHeap(memory, module, instance.exports as unknown as KernelExports, pool, note);
    for (const [ptr, data] of this.inits) new (data.constructor as Float32ArrayConstructor)(memory.buffer, ptr, data.length).set(data as Float32Array);
    return heap;
  }
}

/** A recorded program's place in the heap (HeapLayout.program). */
export interface Program { ptr: number; calls: number }

export class WasmHeap {
  private readonly programs: ProgramCache;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly module: WebAssembly.Module,
    readonly k: KernelExports,
    private readonly pool: KernelPool | null = null,
    /** Why the heap runs on one thread when more were asked for (null: as asked). */
    readonly threadNote: string | null = null,
  ) {
    this.programs = new ProgramCache(k, memory);
  }

  /** Threads that run this heap's programs. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Runs a recorded program: split across the pool's threads, or in order on this one. */
  exec(p: Program): void {
    const calls = this.programs.get(p.ptr);
    if (this.pool) this.pool.run(p.ptr, calls);
    else for (const c of calls) runWhole(c);
  }

  /** Runs a program on the calling thread alone (a job too small to pay for the pool's barriers). */
  execLocal(p: Program): void {
    for (const c of this.programs.get(p.ptr)) runWhole(c);
  }

  /**
   * Runs programs[t] on thread t, all at once (each on its own buffers: whole faces, no barrier per
   * layer); with one thread, in order. At most `threads` programs.
   */
  execEach(programs: Program[]): void {
    if (programs.length > this.threads) throw new Error(`WasmHeap.execEach: ${programs.length} programs for ${this.threads} threads`);
    if (!this.pool) {
      for (const p of programs) this.exec(p);
      return;
    }
    this.pool.runEach(programs.map((p) => p.ptr), programs[0] ? this.programs.get(programs[0].ptr) : null);
  }

  /** Ends the pool's workers (the memory stays readable). */
  dispose(): void {
    this.pool?.dispose();
  }

  /** A Float32Array view of `count` floats at byte offset `ptr` (valid for the heap's life: the memory never grows). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count);
  }
}
