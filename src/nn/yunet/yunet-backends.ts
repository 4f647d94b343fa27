// Where YuNet runs (src/nn/yunet/yunet.ts is the detector built on these): the WebGPU backend
// (frames uploaded into a FrameTexture, resized and run on the GPU plans) and the CPU backend (a
// VideoFrame's YUV planes or a canvas read staged in the wasm image kernels, then the wasm plans;
// or the TypeScript reference). Plans are kept per padded input size, least recently used dropped.
// Each run adds its time to the caller's laps (read, resize, net; decode is the detector's).
import type { Tensor } from '../../kernels/tensor.js';
import { resizeToTensorCpu } from '../../kernels/resize-to-tensor.cpu.js';
import { WasmImageKernels } from '../../kernels/wasm/image.js';
import { FramePixels } from '../../vision/frame-pixels.js';
import { type FrameSource, FrameTexture } from '../../vision/frame-texture.js';
import type { DetectorGeometry } from '../../vision/yunet-decode.js';
import { yunetCpuForward } from './yunet-cpu.js';
import { YunetGpuPlan } from './yunet-gpu.js';
import { YunetWasmPlan } from './yunet-wasm.js';
import type { YunetModel } from './yunet-weights.js';

export type Laps = Record<'read' | 'resize' | 'net' | 'decode', number>;
export const noLaps = (): Laps => ({ read: 0, resize: 0, net: 0, decode: 0 });

/** Adds the time since t0 to laps[name]; returns now. */
export function lap(laps: Laps, name: keyof Laps, t0: number): number {
  const now = performance.now();
  laps[name] += now - t0;
  return now;
}

export interface Backend {
  /** Input tensor + heads for a frame; the tensor only when `keepInput`. */
  run(frame: FrameSource, g: DetectorGeometry, keepInput: boolean, laps: Laps): Promise<{ heads: Float32Array; input?: Float32Array }>;
  heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array>;
  /** Heads for each window geometry of one frame (the frame uploaded or read once). */
  runWindows(frame: FrameSource, gs: readonly DetectorGeometry[], laps: Laps): Promise<Float32Array[]>;
  prepare(g: DetectorGeometry): Promise<void>;
  dispose(): void;
}

export class GpuBackend implements Backend {
  private readonly plans = new Map<string, Promise<YunetGpuPlan>>();

  constructor(
    private readonly device: GPUDevice,
    private readonly model: YunetModel,
    readonly texture: FrameTexture,
    private readonly ownsTexture: boolean,
    private readonly maxPlans: number,
  ) {}

  plan(padW: number, padH: number): Promise<YunetGpuPlan> {
    const key = `${padW}x${padH}`;
    let p = this.plans.get(key);
    if (p) {
      this.plans.delete(key); // re-insert: Map order is the LRU order
    } else {
      p = YunetGpuPlan.create(this.device, this.model, padW, padH);
      p.catch(() => this.plans.delete(key));
    }
    this.plans.set(key, p);
    while (this.plans.size > this.maxPlans) {
      const [oldKey, old] = this.plans.entries().next().value as [string, Promise<YunetGpuPlan>];
      this.plans.delete(oldKey);
      void old.then((pl) => pl.dispose(), () => undefined);
    }
    return p;
  }

  async run(frame: FrameSource, g: DetectorGeometry, keepInput: boolean, laps: Laps): Promise<{ heads: Float32Array; input?: Float32Array }> {
    const t0 = performance.now();
    const plan = await this.plan(g.padW, g.padH);
    plan.setFrame(this.texture.upload(frame), g);
    const heads = await plan.run();
    lap(laps, 'net', t0);
    return { heads, input: keepInput ? await plan.readInput() : undefined };
  }

  async heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array> {
    return (await this.plan(padW, padH)).runTensor(input);
  }

  async runWindows(frame: FrameSource, gs: readonly DetectorGeometry[], laps: Laps): Promise<Float32Array[]> {
    const t0 = performance.now();
    const tex = this.texture.upload(frame);
    const out: Float32Array[] = [];
    for (const g of gs) {
      const plan = await this.plan(g.padW, g.padH);
      plan.setFrame(tex, g);
      out.push(await plan.run());
    }
    lap(laps, 'net', t0);
    return out;
  }

  async prepare(g: DetectorGeometry): Promise<void> {
    await this.plan(g.padW, g.padH);
  }

  dispose(): void {
    for (const p of this.plans.values()) void p.then((pl) => pl.dispose(), () => undefined);
    this.plans.clear();
    if (this.ownsTexture) this.texture.destroy();
  }
}

export class CpuBackend implements Backend {
  private readonly pixels = new FramePixels();
  /** The last frame's pixels (run/runWindows). */
  last?: { data: Uint8ClampedArray; width: number; height: number };
  private tensorBuf = new Float32Array(0);
  /** The wasm plans by padded size (at most maxPlans, oldest dropped); empty on the reference path. */
  private readonly plans = new Map<string, Promise<YunetWasmPlan>>();
  private image?: Promise<WasmImageKernels>;

  constructor(private readonly model: YunetModel, private readonly wasm: boolean, private readonly maxPlans: number) {}

  private forward(t: Tensor): Promise<Float32Array> | Float32Array {
    if (!this.wasm) return yunetCpuForward(this.model, t);
    const [, padH, padW] = t.shape;
    return this.plan(padW, padH).then((plan) => plan.run(t.data));
  }

  private plan(padW: number, padH: number): Promise<YunetWasmPlan> {
    const key = `${padW}x${padH}`;
    let p = this.plans.get(key);
    if (p) this.plans.delete(key); // re-insert: Map order is the LRU order
    else p = YunetWasmPlan.create(this.model, padW, padH);
    this.plans.set(key, p);
    while (this.plans.size > this.maxPlans) {
      const oldest = this.plans.keys().next().value as string;
      // Its worker pool ends with it (a run in flight has already taken its own reference).
      void this.plans.get(oldest)!.then((pl) => pl.dispose(), () => undefined);
      this.plans.delete(oldest);
    }
    return p;
  }

  private tensor(g: DetectorGeometry): Tensor {
    const n = g.padW * g.padH * 3;
    if (this.tensorBuf.length !== n) this.tensorBuf = new Float32Array(n);
    return { shape: [1, g.padH, g.padW, 3], data: this.tensorBuf };
  }

  /**
   * The frame's pixels, for the resize and for the crops after it (`last`). The wasm path stages
   * them in its image kernels: a decoder's VideoFrame converted there from its own YUV planes, any
   * other frame read through a canvas; the reference path reads through the canvas.
   */
  private async read(frame: FrameSource): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
    if (!this.wasm) return (this.last = this.pixels.read(frame));
    const k = await (this.image ??= WasmImageKernels.create());
    const direct = typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame ? await k.stageVideoFrame(frame) : null;
    this.last = (direct as typeof this.last) ?? this.pixels.read(frame);
    if (!direct) k.stageFrame(this.last!);
    return this.last!;
  }

  /** The detector input of the frame read last: the wasm kernel's view (valid until its next call), or the reference resize. */
  private async resize(g: DetectorGeometry): Promise<Tensor> {
    if (!this.wasm) return resizeToTensorCpu(this.last!.data, g, this.tensor(g).data);
    return { shape: [1, g.padH, g.padW, 3], data: (await this.image!).resizeStaged(g) };
  }

  async run(frame: FrameSource, g: DetectorGeometry, keepInput: boolean, laps: Laps): Promise<{ heads: Float32Array; input?: Float32Array }> {
    let t0 = performance.now();
    await this.read(frame);
    t0 = lap(laps, 'read', t0);
    const t = await this.resize(g);
    t0 = lap(laps, 'resize', t0);
    const input = keepInput ? t.data.slice() : undefined;
    const heads = await this.forward(t);
    lap(laps, 'net', t0);
    return { heads, input };
  }

  async heads(input: Float32Array, padW: number, padH: number): Promise<Float32Array> {
    return this.forward({ shape: [1, padH, padW, 3], data: input });
  }

  async runWindows(frame: FrameSource, gs: readonly DetectorGeometry[], laps: Laps): Promise<Float32Array[]> {
    let t0 = performance.now();
    await this.read(frame);
    t0 = lap(laps, 'read', t0);
    const out: Float32Array[] = [];
    // One window at a time: the resized input (and a wasm plan's output) is reused by the next.
    for (const g of gs) {
      const t = await this.resize(g);
      t0 = lap(laps, 'resize', t0);
      out.push((await this.forward(t)).slice());
      t0 = lap(laps, 'net', t0);
    }
    return out;
  }

  async prepare(g: DetectorGeometry): Promise<void> {
    if (this.wasm) await this.forward({ shape: [1, g.padH, g.padW, 3], data: new Float32Array(g.padW * g.padH * 3) });
  }

  dispose(): void {
    for (const p of this.plans.values()) void p.then((pl) => pl.dispose(), () => undefined);
    this.plans.clear();
  }
}
