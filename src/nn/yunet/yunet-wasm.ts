// The wasm plan of YuNet for one padded input size: the layer list (yunet-weights.ts) run with the
// WebAssembly SIMD kernels. Weights and every activation are laid out in one heap at build time
// (an activation's buffer is reused once its last reader has run), so a frame allocates nothing
// in wasm; the packed heads are written straight into their slot of the output. The steps are
// recorded once as a program (src/kernels/wasm/program.ts) that runs split across the heap's threads.
import { HeapLayout, type KernelExports, type Program, type WConv, type WDw, type WPw, type WasmHeap } from '../../kernels/wasm/heap.js';
import { record } from '../../kernels/wasm/program.js';
import { type WTensor, conv2d, convOut, depthwise, maxpool2x2, pointwise, upsampleAdd } from '../../kernels/wasm/ops.js';
import { HEAD_CHANNELS, anchorCount } from '../../vision/yunet-decode.js';
import { lastUses } from './yunet-cpu.js';
import type { YunetModel } from './yunet-weights.js';

type Step =
  | { op: 'conv'; x: WTensor; w: WConv; stride: number; pad: number; relu: boolean; y: number }
  | { op: 'pointwise'; x: WTensor; w: WPw; relu: boolean; y: number }
  | { op: 'depthwise'; x: WTensor; w: WDw; relu: boolean; y: number }
  | { op: 'maxpool2'; x: WTensor; y: number }
  | { op: 'upsample_add'; skip: WTensor; x: WTensor; y: number }
  | { op: 'head'; x: WTensor; pw: WPw; dw: WDw; sig: number; tmp: number; y: number };

/** Buffers by size, handed back when their activation is dead: activations share memory across the pass. */
class Pool {
  private readonly free: { ptr: number; floats: number }[] = [];
  constructor(private readonly l: HeapLayout) {}
  take(floats: number): number {
    const i = this.free.findIndex((b) => b.floats >= floats);
    if (i >= 0) return this.free.splice(i, 1)[0].ptr;
    const ptr = this.l.alloc(floats);
    this.sizes.set(ptr, floats);
    return ptr;
  }
  give(ptr: number): void {
    this.free.push({ ptr, floats: this.sizes.get(ptr)! });
    this.free.sort((a, b) => a.floats - b.floats);
  }
  private readonly sizes = new Map<number, number>();
}

export class YunetWasmPlan {
  private constructor(
    private readonly heap: WasmHeap,
    private readonly program: Program,
    private readonly input: number,
    private readonly inputFloats: number,
    private readonly heads: number,
    private readonly headFloats: number,
  ) {}

  /** Threads the plan's kernels run on, and why not more when more were asked for. */
  get threads(): { count: number; note: string | null } {
    return { count: this.heap.threads, note: this.heap.threadNote };
  }

  /** threads: for the heap (default: src/kernels/wasm/thread-count.ts). */
  static async create(model: YunetModel, padW: number, padH: number, threads?: number): Promise<YunetWasmPlan> {
    const l = new HeapLayout();
    const pool = new Pool(l);
    const inputFloats = padW * padH * model.inputChannels;
    const input = l.alloc(inputFloats);
    const headFloats = anchorCount(padW, padH, model.spec.strides) * HEAD_CHANNELS;
    const heads = l.alloc(headFloats);
    const headAt = new Map<number, number>();
    let off = 0;
    for (const s of model.spec.strides) {
      headAt.set(s, heads + off * 4);
      off += (padW / s) * (padH / s) * HEAD_CHANNELS;
    }
    const acts = new Map<string, WTensor>([[model.spec.input.name, { ptr: input, n: 1, h: padH, w: padW, c: model.inputChannels }]]);
    const get = (name: string) => {
      const t = acts.get(name);
      if (!t) throw new Error(`YunetWasmPlan: activation ${name} is read before it is made`);
      return t;
    };
    const out = (name: string, t: WTensor) => {
      acts.set(name, t);
      return t.ptr;
    };
    const last = lastUses(model);
    const steps: Step[] = model.layers.map((layer, i): Step => {
      let step: Step;
      switch (layer.op) {
        case 'conv': {
          const x = get(layer.input), w = l.conv(layer.w);
          const h = convOut(x.h, w.kh, layer.stride, layer.pad), wd = convOut(x.w, w.kw, layer.stride, layer.pad);
          const y = out(layer.output, { ptr: pool.take(h * wd * w.cout), n: 1, h, w: wd, c: w.cout });
          step = { op: 'conv', x, w, stride: layer.stride, pad: layer.pad, relu: layer.relu, y };
          break;
        }
        case 'pointwise': {
          const x = get(layer.input), w = l.pw(layer.w);
          step = { op: 'pointwise', x, w, relu: layer.relu, y: out(layer.output, { ...x, ptr: pool.take(x.h * x.w * w.cout), c: w.cout }) };
          break;
        }
        case 'depthwise': {
          const x = get(layer.input), w = l.dw(layer.w, layer.b);
          step = { op: 'depthwise', x, w, relu: layer.relu, y: out(layer.output, { ...x, ptr: pool.take(x.h * x.w * x.c) }) };
          break;
        }
        case 'maxpool2': {
          const x = get(layer.input), h = x.h >> 1, wd = x.w >> 1;
          step = { op: 'maxpool2', x, y: out(layer.output, { ...x, ptr: pool.take(h * wd * x.c), h, w: wd }) };
          break;
        }
        case 'upsample_add': {
          const skip = get(layer.skip), x = get(layer.input);
          step = { op: 'upsample_add', skip, x, y: out(layer.output, { ...skip, ptr: pool.take(skip.h * skip.w * skip.c) }) };
          break;
        }
        case 'head': {
          const x = get(layer.input), pw = l.pw(layer.pw), dw = l.dw(layer.dw, layer.b);
          const tmp = pool.take(x.h * x.w * pw.cout);
          pool.give(tmp); // only live inside this step
          step = { op: 'head', x, pw, dw, sig: model.spec.sigmoid, tmp, y: headAt.get(layer.stride)! };
          break;
        }
      }
      for (const [name, at] of last) {
        if (at === i && name !== model.spec.input.name) pool.give(acts.get(name)!.ptr);
      }
      return step;
    });
    const program = l.program(record((m) => runSteps(m, steps)));
    return new YunetWasmPlan(await l.build({ threads }), program, input, inputFloats, heads, headFloats);
  }

  /** Packed heads (src/vision/yunet-decode.ts layout) for an input tensor [padH, padW, 3] (B, G, R in 0..255). */
  run(input: Float32Array, dst?: Float32Array): Float32Array {
    if (input.length !== this.inputFloats) throw new Error(`YunetWasmPlan: input has ${input.length} floats, the plan takes ${this.inputFloats}`);
    const m = this.heap;
    m.f32(this.input, this.inputFloats).set(input);
    m.exec(this.program);
    const out = dst ?? new Float32Array(this.headFloats);
    out.set(m.f32(this.heads, this.headFloats));
    return out;
  }

  dispose(): void {
    this.heap.dispose();
  }
}

function runSteps(m: { k: KernelExports }, steps: Step[]): void {
  for (const s of steps) {
    switch (s.op) {
      case 'conv': conv2d(m, s.x, s.w, s.stride, s.pad, s.relu, s.y); break;
      case 'pointwise': pointwise(m, s.x, s.w, s.relu, s.y); break;
      case 'depthwise': depthwise(m, s.x, s.w, s.relu ? 'relu' : 'none', s.y); break;
      case 'maxpool2': maxpool2x2(m, s.x, s.y); break;
      case 'upsample_add': upsampleAdd(m, s.skip, s.x, s.y); break;
      case 'head': depthwise(m, pointwise(m, s.x, s.pw, false, s.tmp), s.dw, { sigmoid: s.sig }, s.y); break;
    }
  }
}
