// The WebGPU plan of the mini-Xception: every pipeline, buffer and bind group made once at load for
// `rows` faces; a forward pass is one upload, one encoder, one compute pass of all dispatches, one
// submit and one readback through a reused MAP_READ buffer.
import { Readback, storageBuffer, writeFloats } from '../gpu/buffers.js';
import { Conv2d } from '../kernels/conv2d.js';
import { DepthwiseConv2d } from '../kernels/depthwise-conv2d.js';
import { HeadGap } from '../kernels/head-gap.js';
import { MaxpoolAdd } from '../kernels/maxpool-add.js';
import { PointwiseConv2d } from '../kernels/pointwise-conv2d.js';
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

export class GpuPlan {
  private constructor(
    private readonly device: GPUDevice,
    /** Faces the buffers hold. */
    readonly rows: number,
    private readonly size: number,
    private readonly k: number,
    private readonly input: GPUBuffer,
    private readonly output: GPUBuffer,
    private readonly buffers: GPUBuffer[],
    private readonly stages: Stage[],
    private readonly head: Kernel,
    private readonly readback: Readback,
  ) {}

  static async create(device: GPUDevice, f: FoldedMiniXception, rows: number): Promise<GpuPlan> {
    const sh = miniXceptionShapes(f);
    const s = sh.size;
    const input = storageBuffer(device, 'GpuPlan.input', rows * s * s * 4);
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
      const kernels: Promise<Kernel>[] = [
        DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw1` }, b.dw1, { x, y: t }),
        PointwiseConv2d.create(device, { hw, relu: true, name: `${name}.pw1` }, b.pw1, { x: t, y: u }),
        DepthwiseConv2d.create(device, { h, w: h, name: `${name}.dw2` }, b.dw2, { x: u, y: t }),
        PointwiseConv2d.create(device, { hw, relu: false, name: `${name}.pw2` }, b.pw2, { x: t, y: u }),
        MaxpoolAdd.create(device, { h, w: h, c, name: `${name}.tail` }, { y: u, x, shortcut: b.shortcut, out: t }),
      ];
      const out = t;
      stagePromises.push(Promise.all(kernels).then((ks) => ({ name, kernels: ks, out, shape: [oh, oh, c] })));
      [x, t, u] = [t, x, u];
    });
    const last = sh.blocks[sh.blocks.length - 1];
    const headP = HeadGap.create(device, { h: last.oh, w: last.oh, name: 'head' }, f.head, { x, out: output });
    // All pipelines compile in parallel (createComputePipelineAsync behind each create).
    const [stages, head] = await Promise.all([Promise.all(stagePromises), headP]);
    const readback = new Readback(device, 'GpuPlan.readback', rows * 2 * sh.k * 4);
    return new GpuPlan(device, rows, s, sh.k, input, output, [input, output, ...act], stages, head, readback);
  }

  private upload(pixels: Float32Array, n: number): void {
    if (n < 1 || n > this.rows) throw new Error(`GpuPlan: batch ${n} outside 1..${this.rows}`);
    writeFloats(this.device, this.input, 0, pixels, n * this.size * this.size);
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

  dispose(): void {
    for (const st of this.stages) for (const k of st.kernels) k.destroy();
    this.head.destroy();
    for (const b of this.buffers) b.destroy();
    this.readback.destroy();
  }
}
