// The WebGPU plan of YuNet for one padded input size: every pipeline, buffer and bind group is made
// once in create(); a frame is one encoder with one compute pass (resize of the frame texture into
// the input tensor, then every layer), one copy of the packed heads into a reused MAP_READ buffer,
// one submit. Activations share a pool of equal-sized buffers, each reused once its last reader
// has run (5 buffers at 640x480 instead of 38). A depthwise conv whose only reader is a 2x2
// max-pool runs fused with it (DepthwiseBias pool: true): the full-size map is never written.
import { Readback, readFloats, storageBuffer, writeFloats } from '../../gpu/buffers.js';
import { profileDispatches } from '../../gpu/profile.js';
import { Conv2d } from '../../kernels/conv2d.js';
import { DepthwiseBias } from '../../kernels/depthwise-bias.js';
import { Maxpool2x2 } from '../../kernels/maxpool2x2.js';
import { PointwiseConv2d } from '../../kernels/pointwise-conv2d.js';
import type { ResizeGeometry } from '../../kernels/resize-to-tensor.ref.js';
import { ResizeToTensor } from '../../kernels/resize-to-tensor.js';
import { UpsampleAdd } from '../../kernels/upsample-add.js';
import { HEAD_CHANNELS, anchorCount } from '../../vision/yunet-decode.js';
import { lastUses } from './yunet-cpu.js';
import { type YunetModel, yunetShapes } from './yunet-weights.js';

interface Kernel {
  encode(pass: GPUComputePassEncoder, n: number): void;
  destroy(): void;
}

export class YunetGpuPlan {
  /** Dispatches in order, named for profiling. */
  private readonly kernels: { name: string; k: Kernel }[] = [];
  private readonly owned: GPUBuffer[] = [];
  private resize?: ResizeToTensor;
  private readback!: Readback;
  /** [padH, padW, 3] input tensor. */
  input!: GPUBuffer;
  /** Packed heads, anchorCount × 16 floats. */
  heads!: GPUBuffer;
  readonly headFloats: number;
  /** Activation buffers in the pool. */
  poolSize = 0;
  /** Depthwise convs run with the max-pool that follows them (one dispatch instead of two). */
  fused = 0;

  private constructor(private readonly device: GPUDevice, readonly model: YunetModel, readonly padW: number, readonly padH: number) {
    this.headFloats = anchorCount(padW, padH, model.spec.strides) * HEAD_CHANNELS;
  }

  static async create(device: GPUDevice, model: YunetModel, padW: number, padH: number): Promise<YunetGpuPlan> {
    const plan = new YunetGpuPlan(device, model, padW, padH);
    try {
      await plan.build();
    } catch (e) {
      plan.dispose();
      throw e;
    }
    return plan;
  }

  private async build(): Promise<void> {
    const { device, model, padW, padH } = this;
    const shapes = yunetShapes(model, padH, padW);
    const tag = `${padW}x${padH}`;
    this.input = storageBuffer(device, `YunetGpuPlan.input(${tag})`, padW * padH * model.inputChannels * 4);
    this.heads = storageBuffer(device, `YunetGpuPlan.heads(${tag})`, this.headFloats * 4);
    this.owned.push(this.input, this.heads);
    let maxAct = 0;
    for (const [name, s] of shapes) if (name !== model.spec.input.name) maxAct = Math.max(maxAct, s[0] * s[1] * s[2]);
    for (const l of model.layers) if (l.op === 'head') { const [h, w] = shapes.get(l.input)!; maxAct = Math.max(maxAct, h * w * l.pw.cout); }

    // Pool of activation buffers: take a free one (or make one), give back after the last reader.
    const free: GPUBuffer[] = [];
    const take = () => {
      const b = free.pop() ?? storageBuffer(device, `YunetGpuPlan.activation${this.poolSize++}(${tag})`, maxAct * 4);
      if (!this.owned.includes(b)) this.owned.push(b);
      return b;
    };
    const bufs = new Map<string, GPUBuffer>([[model.spec.input.name, this.input]]);
    const last = lastUses(model);
    const headOffset = new Map<number, number>();
    let off = 0;
    for (const s of model.spec.strides) {
      headOffset.set(s, off);
      off += (padW / s) * (padH / s) * HEAD_CHANNELS;
    }
    /** Gives back the buffers of activations whose last reader is layer i. */
    const release = (i: number) => {
      for (const [name, at] of last) {
        const b = bufs.get(name);
        if (at === i && name !== model.spec.input.name && b) free.push(b);
      }
    };
    const pending: Promise<{ name: string; k: Kernel }>[] = [];
    const add = (name: string, k: Promise<Kernel>) => pending.push(k.then((kk) => ({ name, k: kk })));
    const layers = model.layers;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      const [h, w, c] = shapes.get(l.input)!;
      const x = bufs.get(l.input)!;
      const next = layers[i + 1];
      switch (l.op) {
        case 'conv': {
          const y = take();
          bufs.set(l.output, y);
          add(l.name, Conv2d.create(device, { h, w, stride: l.stride, pad: l.pad, relu: l.relu, name: l.name }, l.w, { x, y }));
          break;
        }
        case 'pointwise': {
          const y = take();
          bufs.set(l.output, y);
          add(l.name, PointwiseConv2d.create(device, { hw: h * w, relu: l.relu, name: l.name }, l.w, { x, y }));
          break;
        }
        case 'depthwise': {
          const y = take();
          const act = l.relu ? 'relu' : 'none';
          // dw → maxpool2 with nobody else reading the dw output: one dispatch, no full-size map.
          if (next?.op === 'maxpool2' && next.input === l.output && last.get(l.output) === i + 1) {
            bufs.set(next.output, y);
            add(`${l.name}+${next.name}`, DepthwiseBias.create(device, { h, w, act, pool: true, name: `${l.name}+pool` }, l.w, l.b, { x, y }));
            this.fused++;
            release(i);
            i++;
          } else {
            bufs.set(l.output, y);
            add(l.name, DepthwiseBias.create(device, { h, w, act, name: l.name }, l.w, l.b, { x, y }));
          }
          break;
        }
        case 'maxpool2': {
          const y = take();
          bufs.set(l.output, y);
          add(l.name, Maxpool2x2.create(device, { h, w, c, name: l.name }, { x, y }));
          break;
        }
        case 'upsample_add': {
          const [sh, sw] = shapes.get(l.skip)!;
          const out = take();
          bufs.set(l.output, out);
          add(l.name, UpsampleAdd.create(device, { h: sh, w: sw, c, name: l.name }, { skip: bufs.get(l.skip)!, x, out }));
          break;
        }
        case 'head': {
          const t = take();
          add(`${l.name}.pw`, PointwiseConv2d.create(device, { hw: h * w, relu: false, name: `${l.name}.pw` }, l.pw, { x, y: t }));
          add(`${l.name}.dw`, DepthwiseBias.create(device, { h, w, act: { sigmoid: model.spec.sigmoid }, outOffset: headOffset.get(l.stride)!, name: `${l.name}.dw` }, l.dw, l.b, { x: t, y: this.heads }));
          free.push(t);
          break;
        }
      }
      release(i);
    }
    const [kernels, resize] = await Promise.all([Promise.all(pending), ResizeToTensor.create(device, this.input, padW * padH)]);
    this.kernels.push(...kernels);
    this.resize = resize;
    this.readback = new Readback(device, `YunetGpuPlan.readback(${tag})`, this.headFloats * 4);
  }

  /** Points the resize dispatch at a frame texture (cheap when texture and geometry are unchanged). */
  setFrame(texture: GPUTexture, g: ResizeGeometry): void {
    if (g.padW !== this.padW || g.padH !== this.padH) throw new Error(`YunetGpuPlan ${this.padW}x${this.padH}: geometry is for ${g.padW}x${g.padH}`);
    this.resize!.set(texture, g);
  }

  private encodeLayers(pass: GPUComputePassEncoder): void {
    for (const { k } of this.kernels) k.encode(pass, 1);
  }

  /** Resize of the frame set by setFrame() + the network; resolves to the packed heads (fresh array). */
  async run(): Promise<Float32Array> {
    const enc = this.device.createCommandEncoder({ label: 'YunetGpuPlan.encoder' });
    const pass = enc.beginComputePass({ label: 'YunetGpuPlan.pass' });
    this.resize!.encode(pass);
    this.encodeLayers(pass);
    pass.end();
    this.readback.encodeCopy(enc, this.heads, this.headFloats * 4);
    this.device.queue.submit([enc.finish()]);
    return this.readback.read();
  }

  /** The network on a given input tensor [padH, padW, 3] (parity tests; no resize). */
  async runTensor(input: Float32Array): Promise<Float32Array> {
    const n = this.padW * this.padH * this.model.inputChannels;
    if (input.length !== n) throw new Error(`YunetGpuPlan.runTensor: ${input.length} floats, ${n} expected`);
    writeFloats(this.device, this.input, 0, input);
    const enc = this.device.createCommandEncoder({ label: 'YunetGpuPlan.tensorEncoder' });
    const pass = enc.beginComputePass({ label: 'YunetGpuPlan.tensorPass' });
    this.encodeLayers(pass);
    pass.end();
    this.readback.encodeCopy(enc, this.heads, this.headFloats * 4);
    this.device.queue.submit([enc.finish()]);
    return this.readback.read();
  }

  /** Debug: the input tensor the last run() wrote (allocates). */
  readInput(): Promise<Float32Array> {
    return readFloats(this.device, this.input, this.padW * this.padH * this.model.inputChannels);
  }

  /** Debug: median ms of each dispatch, each timed alone (`reps` copies per submit); the resize once a frame is set. */
  profile(reps = 3): Promise<{ name: string; ms: number }[]> {
    const all = this.kernels.map(({ name, k }) => ({ name, encode: (p: GPUComputePassEncoder) => k.encode(p, 1) }));
    const resize = this.resize;
    if (resize?.ready) all.unshift({ name: 'resize', encode: (p) => resize.encode(p) });
    return profileDispatches(this.device, 'YunetGpuPlan', all, reps);
  }

  dispose(): void {
    for (const { k } of this.kernels) k.destroy();
    this.resize?.destroy();
    this.readback?.destroy();
    for (const b of this.owned) b.destroy();
  }
}
