// The one linear memory of a wasm plan, laid out once at load: weights copied in (pre-packed) and
// every activation buffer reserved, then the memory is made at exactly that size and never grows,
// so no call allocates. The first 64 KiB are left to the module's own data and stack.
import type { ConvW, DwW, PwW } from '../types.js';
import { type KernelVariant, kernelModule } from './module.js';

const RESERVED = 65536;
const PAGE = 65536;
/** Byte alignment of every buffer: a cache line, so v128 loads never straddle two. */
const ALIGN = 64;

/** Weights and tensors in wasm memory: byte offsets plus the shapes the kernels need. */
export interface WConv { w: number; b: number; kh: number; kw: number; cin: number; cout: number }
export interface WDw { w: number; b: number; c: number }
export interface WPw { w: number; b: number; cin: number; cout: number }

export interface KernelExports {
  conv2d(x: number, n: number, h: number, w: number, cin: number, wt: number, b: number, kh: number, kw: number, cout: number,
    stride: number, pad: number, relu: number, y: number, oy0: number, oy1: number): void;
  pointwise(x: number, cin: number, wt: number, b: number, cout: number, relu: number, y: number, p0: number, p1: number): void;
  depthwise3x3(x: number, n: number, h: number, w: number, c: number, wt: number, b: number, act: number, sig: number, y: number, oy0: number, oy1: number): void;
  maxpool3s2Add(y: number, n: number, h: number, w: number, c: number, r: number, out: number, oy0: number, oy1: number): void;
  maxpool2x2(x: number, n: number, h: number, w: number, c: number, y: number): void;
  upsampleAdd(skip: number, x: number, n: number, h: number, w: number, c: number, out: number): void;
  globalAvgPool(y: number, n: number, hw: number, c: number, out: number): void;
  affine(x: number, count: number, scale: number, offset: number, y: number): void;
  /** The roofline's FMA chains: 96 FLOPs per iteration. */
  fmaChains(iters: number): number;
}

/** Collects buffers (with their initial contents) before the memory exists. */
export class HeapLayout {
  private end = RESERVED;
  private readonly inits: [number, Float32Array][] = [];

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

  get bytes(): number {
    return this.end;
  }

  /**
   * Makes the memory, instantiates the kernels on it and writes the
   * initial contents. fma: false forces the plain SIMD128 build (tests of both, the roofline).
   */
  async build(variant: KernelVariant = 'single', fma = true): Promise<WasmHeap> {
    const pages = Math.ceil(this.end / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const module = await kernelModule(variant, fma);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const heap = new WasmHeap(memory, module, instance.exports as unknown as KernelExports);
    for (const [ptr, data] of this.inits) heap.f32(ptr, data.length).set(data);
    return heap;
  }
}

export class WasmHeap {
  constructor(readonly memory: WebAssembly.Memory, readonly module: WebAssembly.Module, readonly k: KernelExports) {}

  /** A Float32Array view of `count` floats at byte offset `ptr` (valid for the heap's life: the memory never grows). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count);
  }
}
