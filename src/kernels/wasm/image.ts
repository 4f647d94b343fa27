// The CPU path's image kernels on the wasm build (assembly/image.ts): the classifier crops and the
// detector's resize, with the signatures of their TypeScript references (crop-resize.ref.ts,
// resize-to-tensor.ref.ts), and the conversion of a decoder's YUV frame to RGBA (yuv-to-rgba.ref.ts).
// Frames come in any size, so these run on a small memory of their own that grows to the largest
// frame seen (never shrinks). A frame is staged into it once (stageFrame, or stageVideoFrame straight
// from a VideoFrame) and then cropped and resized as often as needed without copying it again.
import { type RgbaImage } from '../crop-resize.ref.js';
import { type ResizeGeometry, sourceRect } from '../resize-to-tensor.ref.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../tensor.js';
import type { Affine } from '../types.js';
import { type YuvCoefficients, yuvCoefficients } from '../yuv-to-rgba.ref.js';
import type { KernelExports } from './kernel-exports.js';
import { kernelModule } from './module.js';

const PAGE = 65536;
/** The first 64 KiB stay with the module's own data, as in heap.ts. */
const BASE = 65536;

/** 4:2:0 formats stageVideoFrame converts itself (alpha planes ignored), and the ones copied as they are. */
const YUV_FORMATS = new Set(['I420', 'I420A', 'NV12', 'NV12A']);
const RGBA_FORMATS = new Set(['RGBA', 'RGBX']);

/** Byte planes of a 4:2:0 frame for WasmImageKernels.yuvToRgba (tests): strides in bytes, uvStep 2 for NV12's interleaved chroma. */
export interface YuvInput { y: Uint8Array; yStride: number; u: Uint8Array; v: Uint8Array; uvStride: number; uvStep: 1 | 2 }

export class WasmImageKernels {
  /** stageVideoFrame's answer, reused from frame to frame. */
  private pixels?: Uint8ClampedArray;
  /** Size of the staged frame (at BASE), or undefined before the first. */
  private staged?: { width: number; height: number };

  private constructor(private readonly memory: WebAssembly.Memory, private readonly k: KernelExports) {}

  static async create(): Promise<WasmImageKernels> {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const instance = await WebAssembly.instantiate(await kernelModule('single'), { env: { memory } });
    return new WasmImageKernels(memory, instance.exports as unknown as KernelExports);
  }

  /** Grows the memory to hold `end` bytes. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
  }

  /** Where work past the staged frame starts (outputs, a video frame's raw planes). */
  private get work(): number {
    const s = this.staged;
    return BASE + (s ? Math.ceil((s.width * s.height * 4 + 16) / 64) * 64 : 0);
  }

  /** Copies an RGBA frame in: the frame the staged calls below read until the next one is staged. */
  stageFrame(img: RgbaImage): void {
    const bytes = img.width * img.height * 4;
    if (img.data.length < bytes) throw new Error(`wasm image: ${img.data.length} bytes for a ${img.width}x${img.height} RGBA frame`);
    this.ensure(BASE + bytes + 64);
    new Uint8Array(this.memory.buffer, BASE, bytes).set(img.data.length === bytes ? img.data : Array.prototype.slice.call(img.data, 0, bytes));
    this.staged = { width: img.width, height: img.height };
  }

  /**
   * Stages a VideoFrame without a canvas: copied out in its own format (copyTo) and, for 4:2:0 YUV,
   * converted here with the frame's colour matrix and range. Returns the frame's RGBA pixels (a copy
   * for the other readers of the frame, in one array this instance reuses: valid until its next
   * stageVideoFrame), or null when this frame needs the canvas instead: another
   * pixel format, an unknown matrix, a display size other than its visible size, or a rotation.
   */
  async stageVideoFrame(frame: VideoFrame): Promise<RgbaImage | null> {
    const format = frame.format ?? '';
    const rect = frame.visibleRect;
    const f = frame as VideoFrame & { rotation?: number; flip?: boolean };
    if (!rect || f.rotation || f.flip) return null;
    const w = rect.width, h = rect.height;
    if (w !== frame.displayWidth || h !== frame.displayHeight || !(w > 0 && h > 0)) return null;
    const rgba = RGBA_FORMATS.has(format);
    const coeffs = YUV_FORMATS.has(format) ? yuvCoefficients(frame.colorSpace.matrix ?? '', frame.colorSpace.fullRange ?? false) : null;
    if (!rgba && !coeffs) return null;
    const bytes = w * h * 4;
    this.staged = { width: w, height: h };
    try {
      if (rgba) {
        this.ensure(BASE + bytes + 64);
        await frame.copyTo(new Uint8Array(this.memory.buffer, BASE, bytes), { rect, layout: [{ offset: 0, stride: w * 4 }] });
      } else {
        const raw = this.work, size = frame.allocationSize({ rect });
        this.ensure(raw + size);
        const planes = await frame.copyTo(new Uint8Array(this.memory.buffer, raw, size), { rect });
        const nv12 = format.startsWith('NV12');
        const [y, u, v] = nv12 ? [planes[0], planes[1], { ...planes[1], offset: planes[1].offset + 1 }] : planes;
        this.convert(raw + y.offset, y.stride, raw + u.offset, raw + v.offset, u.stride, nv12 ? 2 : 1, w, h, coeffs!);
      }
    } catch {
      // A copy the browser refuses (e.g. a visible rectangle off the chroma grid): the canvas reads it.
      this.staged = undefined;
      return null;
    }
    // One buffer for every frame of a size: a fresh 1.2 MB array a frame cost 4 ms here (allocation, not the copy).
    if (this.pixels?.length !== bytes) this.pixels = new Uint8ClampedArray(bytes);
    this.pixels.set(new Uint8Array(this.memory.buffer, BASE, bytes));
    return { data: this.pixels, width: w, height: h };
  }

  private convert(yp: number, yStride: number, up: number, vp: number, uvStride: number, uvStep: number, w: number, h: number, k: YuvCoefficients): void {
    this.k.yuvToRgba(yp, yStride, up, vp, uvStride, uvStep, w, h, k.yOff, k.yScale, k.rv, k.gu, k.gv, k.bu, BASE, 0, h);
  }

  /** yuvToRgbaRef's contract on the kernel (the frame is staged as a side effect). */
  yuvToRgba(p: YuvInput, w: number, h: number, k: YuvCoefficients): Uint8ClampedArray {
    this.staged = { width: w, height: h };
    const raw = this.work;
    const at = [raw, raw + p.y.length, raw + p.y.length + p.u.length];
    this.ensure(at[2] + p.v.length);
    const mem = new Uint8Array(this.memory.buffer);
    mem.set(p.y, at[0]);
    mem.set(p.u, at[1]);
    mem.set(p.v, at[2]);
    this.convert(at[0], p.yStride, at[1], p.uvStep === 2 ? at[1] + 1 : at[2], p.uvStride, p.uvStep, w, h, k);
    return new Uint8ClampedArray(this.memory.buffer.slice(BASE, BASE + w * h * 4));
  }

  private frameSize(): { width: number; height: number } {
    if (!this.staged) throw new Error('wasm image: no frame staged');
    return this.staged;
  }

  /** cropResizeRef's contract on the staged frame: one size×size×channels crop (0..255) at dst[offset..]. */
  cropStaged(m: Affine, size: number, channels: 1 | 3, taps: number, dst: Float32Array, offset = 0): void {
    const { width, height } = this.frameSize();
    const n = size * size * channels;
    if (offset + n > dst.length) throw new Error(`wasm cropResize: dst has ${dst.length} floats, the crop needs ${offset + n}`);
    const out = this.work;
    this.ensure(out + n * 4);
    this.k.cropResize(BASE, width, height, m.a, m.b, m.c, m.d, m.tx, m.ty, size, channels, taps, out, 0, size);
    dst.set(new Float32Array(this.memory.buffer, out, n), offset);
  }

  /**
   * resizeToTensorRef's contract on the staged frame ([padH, padW, 3], B, G, R in 0..255, zero
   * padding), as a view of this memory: valid until the next call on this instance.
   */
  resizeStaged(g: ResizeGeometry): Float32Array {
    const { frameW, frameH, inW, inH, padW, padH } = g;
    const { width, height } = this.frameSize();
    if (width !== frameW || height !== frameH) throw new Error(`wasm resize: geometry for a ${frameW}x${frameH} frame, ${width}x${height} staged`);
    const n = padW * padH * 3, out = this.work;
    this.ensure(out + n * 4);
    const [ox, oy, sw, sh] = sourceRect(g).map(Math.fround);
    this.k.resizeToTensor(BASE, frameW, frameH, ox, oy, Math.fround(sw / inW), Math.fround(sh / inH), inW, inH, padW, out, 0, padH);
    return new Float32Array(this.memory.buffer, out, n);
  }

  /** cropResizeRef's contract: one size×size×channels crop (0..255) at dst[offset..]. */
  cropResize(img: RgbaImage, m: Affine, size: number, channels: 1 | 3, taps: number, dst: Float32Array, offset = 0): void {
    this.stageFrame(img);
    this.cropStaged(m, size, channels, taps, dst, offset);
  }

  /** resizeToTensorRef's contract: [1, padH, padW, 3], B, G, R in 0..255, zero padding. */
  resizeToTensor(rgba: ArrayLike<number>, g: ResizeGeometry, dst?: Float32Array): Tensor {
    this.stageFrame({ data: rgba, width: g.frameW, height: g.frameH });
    const t = tensor([1, g.padH, g.padW, 3], dst);
    t.data.set(this.resizeStaged(g));
    return t;
  }
}
