// The wasm plan of the mini-Xception: the WebAssembly SIMD kernels (src/kernels/wasm/) chained in
// model order. Weights are copied into the heap once at load; a face runs through every layer
// before the next one starts, so its activations (three rotating buffers of the largest map) stay
// in the CPU's cache, and no call allocates. A face's kernel calls are recorded once as a program
// (src/kernels/wasm/program.ts), which runs split by rows across the heap's threads.
import { softmaxRef } from '../../kernels/head-gap.ref.js';
import { type Tensor, tensor } from '../../kernels/tensor.js';
import { HeapLayout, type KernelExports, type Program, plannedThreads, type WConv, type WDw, type WPw, type WasmHeap } from '../../kernels/wasm/heap.js';
import { type WTensor, conv2d, depthwise, globalAvgPool, maxpoolAdd, pointwise } from '../../kernels/wasm/ops.js';
import { record } from '../../kernels/wasm/program.js';
import type { FoldedMiniXception } from './folded.js';
import { miniXceptionShapes } from './mini-xception-shapes.js';

interface WasmWeights {
  stem: WConv[];
  blocks: { shortcut: WConv; dw1: WDw; pw1: WPw; dw2: WDw; pw2: WPw }[];
  head: WConv;
}

const WARM_UP_PASSES = 3;

/** One thread's buffers for whole faces: the normalised input, three rotating activations, the logits. */
interface FaceSet { input: number; bufs: number[]; logits: number; program: Program }

export class WasmPlan {
  private constructor(
    private readonly f: FoldedMiniXception,
    private readonly heap: WasmHeap,
    private readonly w: WasmWeights,
    private readonly sets: FaceSet[],
  ) {}

  /** Threads the plan's kernels run on, and why not more when more were asked for. */
  get threads(): { count: number; note: string | null } {
    return { count: this.heap.threads, note: this.heap.threadNote };
  }

  /**
   * threads: for the heap (default: src/kernels/wasm/thread-count.ts). With more than one, a batch
   * runs one whole face per thread at a time (each on its own buffers, one barrier per round); a
   * single face runs on the calling thread.
   */
  static async create(f: FoldedMiniXception, threads?: number): Promise<WasmPlan> {
    const l = new HeapLayout();
    const sh = miniXceptionShapes(f);
    const w: WasmWeights = {
      stem: f.stem.map((c) => l.conv(c)),
      blocks: f.blocks.map((b) => ({ shortcut: l.conv(b.shortcut), dw1: l.dw(b.dw1), pw1: l.pw(b.pw1), dw2: l.dw(b.dw2), pw2: l.pw(b.pw2) })),
      head: l.conv(f.head),
    };
    const s = sh.size, ch = f.spec.input.channels;
    const count = plannedThreads(threads);
    const sets: FaceSet[] = Array.from({ length: count }, () => {
      const input = l.alloc(s * s * ch), bufs = [0, 1, 2].map(() => l.alloc(sh.maxActivation)), logits = l.alloc(sh.k);
      return { input, bufs, logits, program: l.program(record((m) => forward(m, f, w, input, bufs, logits))) };
    });
    const plan = new WasmPlan(f, await l.build({ threads: count }), w, sets);
    // Warm-up: the engine runs new wasm code on its baseline compiler until it is hot; a few passes
    // at load move the kernels onto the optimised tier before the first real face (2x on stem1).
    const zeros = new Float32Array(s * s * ch * count);
    for (let i = 0; i < WARM_UP_PASSES; i++) {
      await plan.run(zeros.subarray(0, s * s * ch), 1);
      if (count > 1) await plan.run(zeros, count);
    }
    return plan;
  }

  /** Face pixels (S*S*C, 0..255) normalised into a set's input. */
  private stage(set: FaceSet, pixels: Float32Array): void {
    const { scale, offset } = this.f.spec.input;
    const inp = this.heap.f32(set.input, pixels.length);
    for (let i = 0; i < inp.length; i++) inp[i] = pixels[i] * scale + offset;
  }

  /** [n, 2K]: logits, then softmax probabilities, per face (the other plans' layout). */
  async run(pixels: Float32Array, n: number): Promise<Float32Array> {
    const s = this.f.spec.input.size, face = s * s * this.f.spec.input.channels, k = this.f.head.cout;
    const logits = new Float32Array(n * k);
    const t = Math.min(this.sets.length, this.heap.threads);
    const at = (i: number) => pixels.subarray(i * face, (i + 1) * face);
    for (let i = 0; i < n; ) {
      const c = n - i >= 2 ? Math.min(t, n - i) : 1;
      for (let j = 0; j < c; j++) this.stage(this.sets[j], at(i + j));
      // Several faces: one whole face per thread. One face (about a millisecond here) on this thread
      // alone: split by rows it would meet the others at ~25 barriers, which cost more than they
      // save (emotion batch 1 ran 10x slower on 2 threads of a loaded 2-core machine).
      if (c === 1) this.heap.execLocal(this.sets[0].program);
      else this.heap.execEach(this.sets.slice(0, c).map((x) => x.program));
      for (let j = 0; j < c; j++) logits.set(this.heap.f32(this.sets[j].logits, k), (i + j) * k);
      i += c;
    }
    const probs = softmaxRef(logits, k);
    const r = new Float32Array(n * 2 * k);
    for (let i = 0; i < n; i++) {
      r.set(logits.subarray(i * k, (i + 1) * k), i * 2 * k);
      r.set(probs.subarray(i * k, (i + 1) * k), i * 2 * k + k);
    }
    return r;
  }

  async taps(pixels: Float32Array, n: number): Promise<Map<string, Tensor>> {
    const s = this.f.spec.input.size, face = s * s * this.f.spec.input.channels;
    const m = new Map<string, Tensor>();
    const set = this.sets[0];
    for (let i = 0; i < n; i++) {
      this.stage(set, pixels.subarray(i * face, (i + 1) * face));
      // Kernel by kernel on this thread, so each activation can be read in between.
      forward(this.heap, this.f, this.w, set.input, set.bufs, set.logits, (name, t) => {
        const size = t.h * t.w * t.c;
        if (!m.has(name)) m.set(name, tensor([n, t.h, t.w, t.c]));
        m.get(name)!.data.set(this.heap.f32(t.ptr, size), i * size);
      });
    }
    return m;
  }

  dispose(): void {
    this.heap.dispose();
  }
}

/** The kernel calls of one face, input (normalised) at `input`, logits to `logits`. */
function forward(m: { k: KernelExports }, f: FoldedMiniXception, w: WasmWeights, input: number, bufs: number[], logits: number, taps?: (name: string, t: WTensor) => void): void {
  const s = f.spec.input.size, ch = f.spec.input.channels;
  let x: WTensor = { ptr: input, n: 1, h: s, w: s, c: ch };
  // The stem is 'valid', so normalising every pixel first equals the reference's in-bounds affine.
  x = conv2d(m, x, w.stem[0], 1, 0, true, bufs[0]);
  x = conv2d(m, x, w.stem[1], 1, 0, true, bufs[1]);
  taps?.('stem', x);
  let xi = 1;
  w.blocks.forEach((b, i) => {
    const t1 = bufs[(xi + 1) % 3], t2 = bufs[(xi + 2) % 3];
    const a1 = pointwise(m, depthwise(m, x, b.dw1, 'none', t1), b.pw1, true, t2);
    const y = pointwise(m, depthwise(m, a1, b.dw2, 'none', t1), b.pw2, false, t2);
    const r = conv2d(m, x, b.shortcut, 2, 0, false, t1);
    x = maxpoolAdd(m, y, r, t1);
    xi = (xi + 1) % 3;
    taps?.(`block${i}`, x);
  });
  const hy = conv2d(m, x, w.head, 1, (w.head.kh - 1) >> 1, false, bufs[(xi + 1) % 3]);
  globalAvgPool(m, hy, logits);
}
