// CropResize: owns shaders/crop-resize.wgsl. All of a frame's classifier crops (gray emotion
// crops and, when asked, RGB gender crops) in one dispatch from the frame texture, one readback.
// Buffers are made once for `maxFaces`; more faces are cropped in chunks of maxFaces.
import src from '../../shaders/crop-resize.wgsl';
import { Readback, storageBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { type Affine, affineScale } from './types.js';
import { tapsFor } from './crop-resize.ref.js';

export interface CropResizeSpec {
  /** Faces per dispatch. */
  maxFaces: number;
  /** Side of the gray crops (48 for the emotion model). */
  graySize: number;
  /** Side of the RGB crops (64 for the gender model). */
  rgbSize: number;
}

export interface CropJob {
  gray: Affine;
  /** Omitted when no RGB crop is wanted for this frame (gender off). */
  rgb?: Affine;
}

export interface Crops {
  /** n × graySize² floats, 0..255. */
  gray: Float32Array;
  /** n × rgbSize² × 3 floats (NHWC), when asked for. */
  rgb?: Float32Array;
}

const JOB_BYTES = 32; // struct Job: vec4f + vec2f + u32 + u32

export class CropResize {
  static readonly WG_SIZE = 64;
  private bindGroup?: GPUBindGroup;
  private boundTexture?: GPUTexture;
  private readonly jobData: ArrayBuffer;

  private constructor(
    private readonly device: GPUDevice,
    readonly spec: CropResizeSpec,
    private readonly pipeline: GPUComputePipeline,
    private readonly jobs: GPUBuffer,
    /** The crops of the last dispatch: gray crop i at i·graySize² floats, RGB crop i at rgbOffset + i·rgbSize²·3. */
    readonly out: GPUBuffer,
    private readonly params: GPUBuffer,
    private readonly readback: Readback,
    readonly rgbOffset: number,
  ) {
    this.jobData = new ArrayBuffer(spec.maxFaces * 2 * JOB_BYTES);
  }

  static async create(device: GPUDevice, spec: CropResizeSpec): Promise<CropResize> {
    const pipeline = await computePipeline(device, {
      label: 'CropResize.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: CropResize.WG_SIZE },
    });
    const rgbOffset = spec.maxFaces * spec.graySize ** 2;
    const floats = rgbOffset + spec.maxFaces * spec.rgbSize ** 2 * 3;
    const jobs = device.createBuffer({ label: 'CropResize.jobs', size: spec.maxFaces * 2 * JOB_BYTES, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const out = storageBuffer(device, 'CropResize.out', floats * 4);
    const params = device.createBuffer({ label: 'CropResize.params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const readback = new Readback(device, 'CropResize.readback', floats * 4);
    return new CropResize(device, spec, pipeline, jobs, out, params, readback, rgbOffset);
  }

  /** Crops `jobs` (all with or all without rgb) from a frame of width×height in `texture`. */
  async run(texture: GPUTexture, width: number, height: number, jobs: readonly CropJob[]): Promise<Crops> {
    const withRgb = jobs.length > 0 && jobs[0].rgb !== undefined;
    const { graySize: G, rgbSize: C, maxFaces } = this.spec;
    const gray = new Float32Array(jobs.length * G * G);
    const rgb = withRgb ? new Float32Array(jobs.length * C * C * 3) : undefined;
    for (let from = 0; from < jobs.length; from += maxFaces) {
      const chunk = jobs.slice(from, from + maxFaces);
      const r = await this.runChunk(texture, width, height, chunk, withRgb);
      gray.set(r.subarray(0, chunk.length * G * G), from * G * G);
      rgb?.set(r.subarray(this.rgbOffset, this.rgbOffset + chunk.length * C * C * 3), from * C * C * 3);
    }
    return { gray, rgb };
  }

  private async runChunk(texture: GPUTexture, width: number, height: number, jobs: readonly CropJob[], withRgb: boolean): Promise<Float32Array> {
    const { graySize: G, rgbSize: C } = this.spec;
    const enc = this.device.createCommandEncoder({ label: 'CropResize.encoder' });
    this.encode(enc, texture, width, height, jobs);
    const grayBytes = jobs.length * G * G * 4;
    const bytes = withRgb ? (this.rgbOffset + jobs.length * C * C * 3) * 4 : grayBytes;
    this.readback.encodeCopy(enc, this.out, bytes);
    this.device.queue.submit([enc.finish()]);
    return this.readback.read();
  }

  /**
   * Writes the jobs (at most maxFaces; a job without rgb gets no RGB crop) and encodes their dispatch
   * into `enc`, leaving the crops in `out`: for a caller that goes on in the same submission.
   */
  encode(enc: GPUCommandEncoder, texture: GPUTexture, width: number, height: number, jobs: readonly CropJob[]): void {
    if (jobs.length > this.spec.maxFaces) throw new Error(`CropResize: ${jobs.length} jobs exceed maxFaces ${this.spec.maxFaces}`);
    const { graySize: G, rgbSize: C } = this.spec;
    const withRgb = jobs.some((j) => j.rgb);
    const f32 = new Float32Array(this.jobData);
    const u32 = new Uint32Array(this.jobData);
    jobs.forEach((job, i) => {
      const put = (k: number, m: Affine | undefined, size: number) => {
        const o = (2 * i + k) * (JOB_BYTES / 4);
        if (!m) {
          u32[o + 6] = 0;
          return;
        }
        f32.set([m.a, m.b, m.c, m.d, m.tx, m.ty], o);
        u32[o + 6] = tapsFor(affineScale(m));
        u32[o + 7] = size;
      };
      put(0, job.gray, G);
      put(1, job.rgb, C);
    });
    this.device.queue.writeBuffer(this.jobs, 0, this.jobData, 0, jobs.length * 2 * JOB_BYTES);
    this.device.queue.writeBuffer(this.params, 0, new Int32Array([width, height, G, C, this.rgbOffset, 0, 0, 0]));
    if (this.boundTexture !== texture) {
      this.bindGroup = this.device.createBindGroup({
        label: 'CropResize.bindGroup',
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: texture.createView() },
          { binding: 1, resource: { buffer: this.jobs } },
          { binding: 2, resource: { buffer: this.out } },
          { binding: 3, resource: { buffer: this.params } },
        ],
      });
      this.boundTexture = texture;
    }
    const pass = enc.beginComputePass({ label: 'CropResize.pass' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup!);
    const pixels = withRgb ? Math.max(G * G, C * C) : G * G;
    pass.dispatchWorkgroups(Math.ceil(pixels / CropResize.WG_SIZE), jobs.length, withRgb ? 2 : 1);
    pass.end();
  }

  destroy(): void {
    for (const b of [this.jobs, this.out, this.params]) b.destroy();
    this.readback.destroy();
  }
}
