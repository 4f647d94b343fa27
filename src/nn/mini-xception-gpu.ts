// The WebGPU plan of the mini-Xception: every pipeline, buffer and bind group made once at load for
// `rows` faces; a forward pass is one upload, one encoder, one compute pass of all dispatches, one
// submit and one readback through a reused MAP_READ buffer.
import { Readback, storageBuffer, writeFloats } from '../gpu/buffers.js';
import { Conv2d } from '../kernels/conv2d.js';
import { DepthwiseConv2d } from '../kernels/depthwise-conv2d.js';
import { HeadGap } from '../kernels/head-gap.js';
import { MaxpoolAdd } from '../kernels/maxpool-add.js';
import { PointwiseConv2d } from '../kernels/pointwise-conv2d.js';
import { SeparableConv2d } from '../kernels/separable-conv2d.js';
import { type Tensor, tensor } from '../kernels/tensor.js';
import type { FoldedMiniXception } from './folded.js';
import { miniXceptionShapes } from './mini-xception-shapes.js';

interface Kernel {
  encode(pass: GPUComputePassEncoder, n: number): void;
  destroy(): void;
}

/** Dispatches that end at a tap: the activation after the stem or after a module. */
interface Stage {
  name: string;
  kernels: Kernel[];
  out: GPUBuffer;
  /** [H, W, C] of `out` per face. */
  shape: [number, number, number];
}

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
    private readonly device: GPUDevice,
    /** Faces the buffers hold. */
    readonly rows: number,
    /** Input floats per face (S*S*C). */
    private readonly faceFloats: number,
    private readonly k: number,
    private readonly input: GPUBuffer,
    private readonly output: GPUBuffer,
    private readonly buffers: GPUBuffer[],
    private readonly stages: Stage[],
    private readonly head: Kernel,
    private readonly readback: Readback,
  ) {}

  static async create(device: GPUDevice, f: FoldedMiniXception, rows: number, opts: GpuPlanOptions = {}): Promise<GpuPlan> {
    const fuse = opts.fuseSeparable ?? false;
    const sh = miniXceptionShapes(f);
    const s = sh.size;
    const faceFloats = s * s * f.spec.input.channels;
    const input = storageBuffer(device, 'GpuPlan.input', rows * faceFloats * 4);
    const output = storageBuffer(device, 'GpuPlan.output', rows * 2 * sh.k * 4);
    // Three rotating activation buffers: a module reads its input x twice (separable convs and the
    // shortcut in the tail), so x, the current intermediate and the next one must all be live.
    const act = [0, 1, 2].map((i) => storageBuffer(device, `GpuPlan.activation${i}`, rows * sh.maxActivation * 4));
    const [A, B, C] = act;

    const stem: Promise<Kernel>[] = [
      Conv2d.create(device, { h: s, w: s, stride: 1, pad: 0, relu: true, inAffine: f.spec.input, name: 'stem0' }, f.stem[0], { x: input, y: B }),
      Conv2d.create(device, { h: sh.stem0, w: sh.stem0, stride: 1, pad: 0, relu: true, name: 'stem1' }, f.stem[1], { x: B, y: A }),
    ];
    const stagePromises: Promise<Stage>[] = [Promise.all(stem).then((kernels) => ({ name: 'stem', kernels, out: A, shape: [sh.stem1, sh.stem1, sh.c0] }))];
    let x = A, t = B, u = C;
    f.blocks.forEach((b, i) => {
      const { h, oh, c } = sh.blocks[i];
      const hw = h * h;
      const name = `block${i}`;
      // x -> u (sep1, ReLU) -> t (sep2) ; tail(t, x) -> u, or with split separable convs
      // x -> t (dw1) -> u (pw1) -> t (dw2) -> u (pw2) ; tail(u, x) -> t.
      const kernels: Promise<Kernel>[] = fuse ? [
        SeparableConv2d.create(device, { h, w: h, relu: true, name: `${name}.sep1` }, b.dw1, b.pw1, { x, y: u }),
        SeparableConv2d.create(device, { h, w: h, relu: false, name: `${name}.sep2` }, b.dw2, b.pw2, { x: u, y: t }),
        MaxpoolAdd.create(device, { h, w: h, c, name: `${name}.tail` }, { y: t, x, shortcut: b.shortcut, out: u }),
      ] : [
        DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw1` }, b.dw1, { x, y: t }),
        PointwiseConv2d.create(device, { hw, relu: true, name: `${name}.pw1` }, b.pw1, { x: t, y: u }),
        DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw2` }, b.dw2, { x: u, y: t }),
        PointwiseConv2d.create(device, { hw, relu: false, name: `${name}.pw2` }, b.pw2, { x: t, y: u }),
        MaxpoolAdd.create(device, { h, w: h, c, name: `${name}.tail` }, { y: u, x, shortcut: b.shortcut, out: t }),
      ];
      const out = fuse ? u : t;
      stagePromises.push(Promise.all(kernels).then((ks) => ({ name, kernels: ks, out, shape: [oh, oh, c] })));
      [x, t, u] = fuse ? [u, t, x] : [t, x, u];
    });
    const last = sh.blocks[sh.blocks.length - 1];
    const headP = HeadGap.create(device, { h: last.oh, w: last.oh, name: 'head' }, f.head, { x, out: output });
    // All pipelines compile in parallel (createComputePipelineAsync behind each create).
    const [stages, head] = await Promise.all([Promise.all(stagePromises), headP]);
    const readback = new Readback(device, 'GpuPlan.readback', rows * 2 * sh.k * 4);
    return new GpuPlan(device, rows, faceFloats, sh.k, input, output, [input, output, ...act], stages, head, readback);
  }

  private upload(pixels: Float32Array, n: number): void {
    if (n < 1 || n > this.rows) throw new Error(`GpuPlan: batch ${n} outside 1..${this.rows}`);
    writeFloats(this.device, this.input, 0, pixels, n * this.faceFloats);
  }

  /** [n, 2K]: logits then softmax probabilities per face, for n faces of 0..255 pixels. */
  async run(pixels: Float32Array, n: number): Promise<Float32Array> {
    this.upload(pixels, n);
    const enc = this.device.createCommandEncoder({ label: 'GpuPlan.encoder' });
    const pass = enc.beginComputePass({ label: 'GpuPlan.pass' });
    for (const st of this.stages) for (const k of st.kernels) k.encode(pass, n);
    this.head.encode(pass, n);
    pass.end();
    this.readback.encodeCopy(enc, this.output, n * 2 * this.k * 4);
    this.device.queue.submit([enc.finish()]);
    return this.readback.read();
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
  async profile(n: number, reps = 5): Promise<{ name: string; ms: number }[]> {
    const all: { name: string; k: Kernel }[] = [];
    for (const st of this.stages) st.kernels.forEach((k, i) => all.push({ name: `${st.name}[${i}]`, k }));
    all.push({ name: 'head', k: this.head });
    const res: { name: string; ms: number }[] = [];
    for (const { name, k } of all) {
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const enc = this.device.createCommandEncoder({ label: 'GpuPlan.profileEncoder' });
        const pass = enc.beginComputePass({ label: 'GpuPlan.profilePass' });
        for (let i = 0; i < reps; i++) k.encode(pass, n);
        pass.end();
        const t = performance.now();
        this.device.queue.submit([enc.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        times.push((performance.now() - t) / reps);
      }
      times.sort((a, b) => a - b);
      res.push({ name, ms: times[1] });
    }
    return res;
  }

  dispose(): void {
    for (const st of this.stages) for (const k of st.kernels) k.destroy();
    this.head.destroy();
    for (const b of this.buffers) b.destroy();
    this.readback.destroy();
  }
}
