// The CPU path's crop and resize on the wasm kernels (assembly/image.ts), with the signatures of
// their TypeScript references (crop-resize.ref.ts, resize-to-tensor.ref.ts). Frames come in any
// size, so these run on a small memory of their own that grows to the largest frame seen (never
// shrinks); a call copies the RGBA bytes in and the floats out, and allocates nothing else.
import { type RgbaImage } from '../crop-resize.ref.js';
import { type ResizeGeometry, sourceRect } from '../resize-to-tensor.ref.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../tensor.js';
import type { Affine } from '../types.js';
import type { KernelExports } from './kernel-exports.js';
import { kernelModule } from './module.js';

const PAGE = 65536;
/** The first 64 KiB stay with the module's own data, as in heap.ts. */
const BASE = 65536;

export class WasmImageKernels {
  private constructor(private readonly memory: WebAssembly.Memory, private readonly k: KernelExports) {}

  static async create(): Promise<WasmImageKernels> {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const instance = await WebAssembly.instantiate(await kernelModule('single'), { env: { memory } });
    return new WasmImageKernels(memory, instance.exports as unknown as KernelExports);
  }

  /** Copies the frame in at BASE; returns the byte offset of `floats` output floats after it (the memory grown to fit). */
  private stage(img: RgbaImage, floats: number): number {
    const bytes = img.width * img.height * 4;
    if (img.data.length < bytes) throw new Error(`wasm image: ${img.data.length} bytes for a ${img.width}x${img.height} RGBA frame`);
    const out = BASE + Math.ceil((bytes + 16) / 64) * 64;
    const end = out + floats * 4;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    new Uint8Array(this.memory.buffer, BASE, bytes).set(img.data.length === bytes ? img.data : Array.prototype.slice.call(img.data, 0, bytes));
    return out;
  }

  /** cropResizeRef's contract: one size×size×channels crop (0..255) at dst[offset..]. */
  cropResize(img: RgbaImage, m: Affine, size: number, channels: 1 | 3, taps: number, dst: Float32Array, offset = 0): void {
    const n = size * size * channels;
    if (offset + n > dst.length) throw new Error(`wasm cropResize: dst has ${dst.length} floats, the crop needs ${offset + n}`);
    const out = this.stage(img, n);
    this.k.cropResize(BASE, img.width, img.height, m.a, m.b, m.c, m.d, m.tx, m.ty, size, channels, taps, out, 0, size);
    dst.set(new Float32Array(this.memory.buffer, out, n), offset);
  }

  /** resizeToTensorRef's contract: [1, padH, padW, 3], B, G, R in 0..255, zero padding. */
  resizeToTensor(rgba: ArrayLike<number>, g: ResizeGeometry, dst?: Float32Array): Tensor {
    const { frameW, frameH, inW, inH, padW, padH } = g;
    const t = tensor([1, padH, padW, 3], dst);
    const n = padW * padH * 3;
    const out = this.stage({ data: rgba, width: frameW, height: frameH }, n);
    const [ox, oy, sw, sh] = sourceRect(g).map(Math.fround);
    this.k.resizeToTensor(BASE, frameW, frameH, ox, oy, Math.fround(sw / inW), Math.fround(sh / inH), inW, inH, padW, out, 0, padH);
    t.data.set(new Float32Array(this.memory.buffer, out, n));
    return t;
  }
}
