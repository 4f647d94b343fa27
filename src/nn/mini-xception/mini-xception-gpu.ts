// The WebGPU plan of the mini-Xception: every pipeline, buffer and bind group made once at load for
// `rows` faces; a forward pass is one upload, one encoder, one compute pass of all dispatches, one
// submit and one readback through a reused MAP_READ buffer. The dispatches and their rotating
// activation buffers come from mini-xception-forward-gpu.ts (shared with the saliency plan).
import { Readback, writeFloats } from '../../gpu/buffers.js';
import { profileDispatches } from '../../gpu/profile.js';
import { type Tensor, tensor } from '../../kernels/tensor.js';
import type { FoldedMiniXception } from './folded.js';
import { type ForwardStage, type GpuKernel, gpuForward } from './mini-xception-forward-gpu.js';
import { miniXceptionShapes } from './mini-xception-shapes.js';

export interface GpuPlanOptions {
  /**
   * One SeparableConv2d dispatch per separable conv (depthwise kept in workgroup memory) instead of
   * DepthwiseConv2d + PointwiseConv2d through a buffer. Default false: on SwiftShader (Chromium 156,
   * 2 cores) the fused kernel measured 2.5-4x slower at batch 32 and no faster at batch 1 (workgroup
   * memory and the barrier are expensive there); worth re-measuring on a hardware adapter.
   */
  fuseSeparable?: boolean;
}

export class GpuPlan {
  private constructor(
    readonly device: GPUDevice,
    /** Faces the buffers hold. */
    readonly rows: number,
    /** Input floats per face (S*S*C). */
    private readonly faceFloats: number,
    private readonly k: number,
    /** Rows of S·S·C floats, 0..255 (NHWC): what run() uploads, or what a caller copies in on the GPU. */
    readonly input: GPUBuffer,
    /** [rows, 2K]: logits then softmax per row. */
    readonly output: GPUBuffer,
    private readonly buffers: GPUBuffer[],
    private readonly stages: ForwardStage[],
    private readonly head: GpuKernel,
    private readonly readback: Readback,
  ) {}

  static async create(device: GPUDevice, f: FoldedMiniXception, rows: number, opts: GpuPlanOptions = {}): Promise<GpuPlan> {
    const sh = miniXceptionShapes(f);
    const fw = gpuForward(device, f, rows, { label: 'GpuPlan', fuseSeparable: opts.fuseSeparable });
    const { stages, head } = await fw.compiled;
    const readback = new Readback(device, 'GpuPlan.readback', rows * 2 * sh.k * 4);
    return new GpuPlan(device, rows, sh.size * sh.size * f.spec.input.channels, sh.k, fw.input, fw.output, fw.buffers, stages, head, readback);
  }

  private upload(pixels: Float32Array, n: number): void {
    if (n < 1 || n > this.rows) throw new Error(`GpuPlan: batch ${n} outside 1..${this.rows}`);
    writeFloats(this.device, this.input, 0, pixels, n * this.faceFloats);
  }

  /** [n, 2K]: logits then softmax probabilities per face, for n faces of 0..255 pixels. */
  async run(pixels: Float32Array, n: number): Promise<Float32Array> {
    this.upload(pixels, n);
    const enc = this.device.createCommandEncoder({ label: 'GpuPlan.encoder' });
    this.encodeForward(enc, n);
    this.readback.encodeCopy(enc, this.output, this.outputBytes(n));
    this.device.queue.submit([enc.finish()]);
    return this.readback.read();
  }

  /** Encodes the forward pass over the first n rows of `input` into `enc` (no upload, no readback). */
  encodeForward(enc: GPUCommandEncoder, n: number): void {
    if (n < 1 || n > this.rows) throw new Error(`GpuPlan: batch ${n} outside 1..${this.rows}`);
    const pass = enc.beginComputePass({ label: 'GpuPlan.pass' });
    for (const st of this.stages) for (const k of st.kernels) k.encode(pass, n);
    this.head.encode(pass, n);
    pass.end();
  }

  /** Bytes of `output` that n rows fill. */
  outputBytes(n: number): number {
    return n * 2 * this.k * 4;
  }

  /** Debug: the activation after each stage (one pass per stage, copies between; allocates). */
  async taps(pixels: Float32Array, n: number): Promise<Map<string, Tensor>> {
    this.upload(pixels, n);
    const enc = this.device.createCommandEncoder({ label: 'GpuPlan.tapsEncoder' });
    const copies: { name: string; shape: number[]; rb: Readback }[] = [];
    for (const st of this.stages) {
      const pass = enc.beginComputePass({ label: `GpuPlan.tapsPass(${st.name})` });
      for (const k of st.kernels) k.encode(pass, n);
      pass.end();
      const floats = n * st.shape[0] * st.shape[1] * st.shape[2];
      const rb = new Readback(this.device, `GpuPlan.tap(${st.name})`, floats * 4);
      rb.encodeCopy(enc, st.out, floats * 4);
      copies.push({ name: st.name, shape: [n, ...st.shape], rb });
    }
    this.device.queue.submit([enc.finish()]);
    const out = new Map<string, Tensor>();
    for (const c of copies) {
      out.set(c.name, tensor(c.shape, await c.rb.read()));
      c.rb.destroy();
    }
    return out;
  }

  /**
   * Debug: median ms of each dispatch of the pass for n faces (each timed alone: `reps` copies in one
   * pass, one submit, onSubmittedWorkDone), labelled by stage and position. Buffers hold garbage.
   */
  profile(n: number, reps = 5): Promise<{ name: string; ms: number }[]> {
    const named = this.stages.flatMap((st) => st.kernels.map((k, i) => ({ name: `${st.name}[${i}]`, k })));
    named.push({ name: 'head', k: this.head });
    return profileDispatches(this.device, 'GpuPlan', named.map(({ name, k }) => ({ name, encode: (p) => k.encode(p, n) })), reps);
  }

  dispose(): void {
    for (const st of this.stages) for (const k of st.kernels) k.destroy();
    this.head.destroy();
    for (const b of this.buffers) b.destroy();
    this.readback.destroy();
  }
}
