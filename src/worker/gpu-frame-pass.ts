// One GPU submission and one readback for a frame's classifiers (issue 13), once the detector has
// found the faces: the crop kernel writes every face's crops, and their mirrors for the models'
// flip averaging (the mirror is a crop transform of its own, not a CPU copy), then buffer copies
// put them into the emotion and gender plans' input rows, both forward passes run, and both
// answers come back through one MAP_READ buffer. Before, a frame took three submissions and three
// readbacks here (crops; emotion; gender), with the crops mirrored and uploaded on the CPU. With
// heat maps asked for, the saliency plan's forward and backward passes run on the same crops in
// the same submission and come back through the same readback.
import { Readback } from '../gpu/buffers.js';
import { CropResize, type CropJob } from '../kernels/crop-resize.js';
import type { Affine } from '../kernels/types.js';
import type { GpuFacesPass } from '../nn/mini-xception/mini-xception.js';
import type { SaliencyGpuPass } from '../nn/saliency/saliency.js';

/** The same crop read right to left: crop x ↦ size − x (pixel u of the mirror is pixel size−1−u). */
export function mirrorAffine(m: Affine, size: number): Affine {
  return { a: -m.a, b: m.b, c: -m.c, d: m.d, tx: m.tx + m.a * size, ty: m.ty + m.c * size };
}

/** Heat maps in the frame's pass: for jobs `faces` (at most the plan's maxBatch), of class targets[i] (-1: the predicted one). */
export interface FrameSaliency {
  pass: SaliencyGpuPass;
  faces: readonly number[];
  targets: readonly number[];
}

export interface FramePassOutput {
  emotion: Float32Array;
  gender?: Float32Array;
  /** FrameSaliency's faces in its order: their gray crops (0..255, s × S × S), maps (s × S × S) and explained classes. */
  saliency?: { crops: Float32Array; maps: Float32Array; targets: Int32Array };
}

export class GpuFramePass {
  private readback?: Readback;

  private constructor(
    private readonly device: GPUDevice,
    private readonly crop: CropResize,
    private readonly graySize: number,
    private readonly rgbSize: number,
    /** Faces one pass takes (more: the caller uses the classifiers one call at a time). */
    readonly maxFaces: number,
  ) {}

  /** For up to maxFaces faces a pass; crops of graySize (emotion) and rgbSize (gender). */
  static async create(device: GPUDevice, o: { maxFaces: number; graySize: number; rgbSize: number }): Promise<GpuFramePass> {
    const crop = await CropResize.create(device, { maxFaces: 2 * o.maxFaces, graySize: o.graySize, rgbSize: o.rgbSize });
    return new GpuFramePass(device, crop, o.graySize, o.rgbSize, o.maxFaces);
  }

  /** Whether run() takes n faces with these plans. */
  fits(n: number, emotion: GpuFacesPass, gender?: GpuFacesPass): boolean {
    return n >= 1 && n <= Math.min(this.maxFaces, emotion.maxFaces, gender?.maxFaces ?? Infinity);
  }

  /**
   * Emotion outputs for every face of `jobs` (n × the model's outputs) and gender outputs for the
   * faces with an `rgb` job, in their order (m × outputs; undefined when none or no gender pass).
   */
  async run(texture: GPUTexture, width: number, height: number, jobs: readonly CropJob[], emotion: GpuFacesPass, gender?: GpuFacesPass, saliency?: FrameSaliency): Promise<FramePassOutput> {
    const n = jobs.length;
    if (!this.fits(n, emotion, gender)) throw new Error(`GpuFramePass: ${n} faces do not fit one pass`);
    if (saliency && !(saliency.faces.length >= 1 && saliency.faces.length <= saliency.pass.plan.maxBatch && saliency.faces.every((f) => f >= 0 && f < n) && saliency.targets.length === saliency.faces.length)) {
      throw new Error(`GpuFramePass: heat maps for faces ${saliency.faces.join(', ')} of ${n} do not fit one pass`);
    }
    const due = jobs.flatMap((j, i) => (j.rgb && gender ? [i] : []));
    const G = this.graySize, C = this.rgbSize;
    // Faces, then their mirrors when a model flips: the emotion plan's rows are the first n or 2n gray crops.
    const faces: CropJob[] = jobs.map((j) => (j.rgb && gender ? j : { gray: j.gray }));
    const mirrors: CropJob[] = emotion.flip || gender?.flip || saliency?.pass.flip ? faces.map((j) => ({ gray: mirrorAffine(j.gray, G), ...(j.rgb ? { rgb: mirrorAffine(j.rgb, C) } : {}) })) : [];
    const all = [...faces, ...mirrors];
    const enc = this.device.createCommandEncoder({ label: 'GpuFramePass.encoder' });
    this.crop.encode(enc, texture, width, height, all);
    const eRows = emotion.flip ? 2 * n : n;
    enc.copyBufferToBuffer(this.crop.out, 0, emotion.plan.input, 0, eRows * G * G * 4);
    emotion.plan.encodeForward(enc, eRows);
    const copies = [{ src: emotion.plan.output, bytes: emotion.plan.outputBytes(eRows) }];
    const m = due.length;
    const gRows = gender?.flip ? 2 * m : m;
    if (gender && m) {
      const face = C * C * 3 * 4;
      const rgbAt = (job: number) => (this.crop.rgbOffset * 4) + job * face;
      due.forEach((job, row) => {
        enc.copyBufferToBuffer(this.crop.out, rgbAt(job), gender.plan.input, row * face, face);
        if (gender.flip) enc.copyBufferToBuffer(this.crop.out, rgbAt(n + job), gender.plan.input, (m + row) * face, face);
      });
      gender.plan.encodeForward(enc, gRows);
      copies.push({ src: gender.plan.output, bytes: gender.plan.outputBytes(gRows) });
    }
    // Heat maps: the same crops (and their mirrors) copied into the saliency plan's rows, its forward
    // and backward passes in this submission, its maps, probabilities and chosen classes (and the
    // faces' crops, for showing under the maps) read back with the rest.
    let heat: { at: number; s: number; flip: boolean } | undefined;
    if (saliency) {
      const s = saliency.faces.length, flip = saliency.pass.flip, plan = saliency.pass.plan, face = G * G * 4;
      saliency.faces.forEach((job, row) => {
        enc.copyBufferToBuffer(this.crop.out, job * face, plan.input, row * face, face);
        if (flip) enc.copyBufferToBuffer(this.crop.out, (n + job) * face, plan.input, (s + row) * face, face);
      });
      const saliencyCopies = plan.encode(enc, s, saliency.targets, flip);
      heat = { at: copies.length, s, flip };
      copies.push({ src: plan.input, bytes: s * face }, ...saliencyCopies);
    }
    const bytes = copies.reduce((a, c) => a + c.bytes, 0);
    if (!this.readback || this.readback.buffer.size < bytes) {
      this.readback?.destroy();
      this.readback = new Readback(this.device, 'GpuFramePass.readback', bytes);
    }
    const starts = this.readback.encodeCopies(enc, copies);
    this.device.queue.submit([enc.finish()]);
    const r = await this.readback.read();
    const e = emotion.finish(r.subarray(starts[0], starts[0] + copies[0].bytes / 4), n);
    const out: FramePassOutput = { emotion: e };
    if (gender && m) out.gender = gender.finish(r.subarray(starts[1], starts[1] + copies[1].bytes / 4), m);
    if (saliency && heat) {
      const crops = r.slice(starts[heat.at], starts[heat.at] + heat.s * G * G);
      const d = saliency.pass.plan.decode(r, starts[heat.at + 1], heat.s, heat.flip);
      out.saliency = { crops, maps: d.maps, targets: d.chosen };
    }
    return out;
  }

  destroy(): void {
    this.crop.destroy();
    this.readback?.destroy();
  }
}
