// ResizeToTensor: owns shaders/resize-to-tensor.wgsl (frame texture → padded BGR detector input).
// The bind group holds the texture: setTexture() rebinds when FrameTexture re-made it (size change).
import src from '../../shaders/resize-to-tensor.wgsl';
import { packParams } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { type ResizeGeometry, sourceRect } from './resize-to-tensor.ref.js';

export class ResizeToTensor {
  static readonly WG_SIZE = 64;
  private bindGroup?: GPUBindGroup;
  private bound?: GPUTexture;
  private readonly params: GPUBuffer;
  private geometry?: ResizeGeometry;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly out: GPUBuffer,
    /** Largest padW*padH the output buffer holds. */
    private readonly capacity: number,
  ) {
    this.params = device.createBuffer({ label: 'ResizeToTensor.params', size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** `out` must hold at least `capacity` pixels of 3 floats (padW*padH of the largest tensor). */
  static async create(device: GPUDevice, out: GPUBuffer, capacity: number): Promise<ResizeToTensor> {
    const pipeline = await computePipeline(device, {
      label: 'ResizeToTensor.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: ResizeToTensor.WG_SIZE },
    });
    if (out.size < capacity * 12) throw new Error(`ResizeToTensor: output buffer ${out.size} bytes < ${capacity} pixels x 3 floats`);
    return new ResizeToTensor(device, pipeline, out, capacity);
  }

  /** Points the kernel at `texture` with geometry `g` (uniforms rewritten only when they change). */
  set(texture: GPUTexture, g: ResizeGeometry): void {
    if (g.padW * g.padH > this.capacity) throw new Error(`ResizeToTensor: ${g.padW}x${g.padH} exceeds the ${this.capacity}-pixel output`);
    if (texture.width !== g.frameW || texture.height !== g.frameH) {
      throw new Error(`ResizeToTensor: texture ${texture.width}x${texture.height} is not the ${g.frameW}x${g.frameH} frame`);
    }
    const old = this.geometry;
    const [ox, oy, sw, sh] = sourceRect(g);
    const same = old && old.frameW === g.frameW && old.frameH === g.frameH && old.inW === g.inW && old.inH === g.inH && old.padW === g.padW && old.padH === g.padH
      && sourceRect(old).every((v, i) => v === [ox, oy, sw, sh][i]);
    if (!same) {
      this.device.queue.writeBuffer(this.params, 0, packParams([
        g.frameW, g.frameH, g.inW, g.inH, g.padW, g.padH, { f: sw / g.inW }, { f: sh / g.inH }, { f: ox }, { f: oy }, 0, 0,
      ]));
      this.geometry = { ...g };
    }
    if (this.bound !== texture) {
      this.bindGroup = this.device.createBindGroup({
        label: 'ResizeToTensor.bindGroup',
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: texture.createView() },
          { binding: 1, resource: { buffer: this.out } },
          { binding: 2, resource: { buffer: this.params } },
        ],
      });
      this.bound = texture;
    }
  }

  /** True once set() has given it a texture. */
  get ready(): boolean {
    return Boolean(this.bindGroup && this.geometry);
  }

  encode(pass: GPUComputePassEncoder): void {
    if (!this.bindGroup || !this.geometry) throw new Error('ResizeToTensor: set() a texture first');
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(Math.ceil((this.geometry.padW * this.geometry.padH) / ResizeToTensor.WG_SIZE));
  }

  destroy(): void {
    this.params.destroy();
  }
}
