// The detector input from RGBA frame pixels: bilinear resize (half-pixel centres, edge clamp) of
// the frame, or of a region of it (srcX, srcY, srcW, srcH: a tracked face's window, which may reach
// past the frame's edges, clamped), to inW x inH at the top-left of a zero padW x padH tensor, as
// B, G, R in 0..255.
// CPU backend and oracle for shaders/resize-to-tensor.wgsl.
import { type Tensor, tensor } from './tensor.js';

export interface ResizeGeometry {
  frameW: number;
  frameH: number;
  /** The resized frame's size inside the tensor. */
  inW: number;
  inH: number;
  /** Tensor size (inW, inH rounded up to the detector's divisor). */
  padW: number;
  padH: number;
  /** The frame region resized (default: the whole frame), in frame pixels. */
  srcX?: number;
  srcY?: number;
  srcW?: number;
  srcH?: number;
}

/** Source region of a geometry: [x, y, w, h] (the whole frame unless set). */
export function sourceRect(g: ResizeGeometry): [number, number, number, number] {
  return [g.srcX ?? 0, g.srcY ?? 0, g.srcW ?? g.frameW, g.srcH ?? g.frameH];
}

/** rgba: frameW*frameH*4 bytes, row-major (ImageData order). Returns [1, padH, padW, 3]. */
export function resizeToTensorRef(rgba: ArrayLike<number>, g: ResizeGeometry, dst?: Float32Array): Tensor {
  const { frameW, frameH, inW, inH, padW, padH } = g;
  if (rgba.length < frameW * frameH * 4) throw new Error(`resizeToTensorRef: ${rgba.length} bytes for a ${frameW}x${frameH} RGBA frame`);
  const out = tensor([1, padH, padW, 3], dst);
  const O = out.data;
  O.fill(0);
  const [ox, oy, sw, sh] = sourceRect(g).map(Math.fround);
  const scaleX = Math.fround(sw / inW), scaleY = Math.fround(sh / inH);
  const px = (x: number, y: number, ch: number) =>
    rgba[((Math.min(Math.max(y, 0), frameH - 1) * frameW) + Math.min(Math.max(x, 0), frameW - 1)) * 4 + ch];
  for (let y = 0; y < inH; y++) {
    const sy = oy + (y + 0.5) * scaleY - 0.5;
    const y0 = Math.floor(sy), ay = sy - y0;
    for (let x = 0; x < inW; x++) {
      const sx = ox + (x + 0.5) * scaleX - 0.5;
      const x0 = Math.floor(sx), ax = sx - x0;
      const o = (y * padW + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = px(x0, y0, ch) * (1 - ax) + px(x0 + 1, y0, ch) * ax;
        const bottom = px(x0, y0 + 1, ch) * (1 - ax) + px(x0 + 1, y0 + 1, ch) * ax;
        O[o + 2 - ch] = top * (1 - ay) + bottom * ay; // RGB → BGR
      }
    }
  }
  return out;
}
