// The detector input on the CPU path, fast: the same bilinear resize as resizeToTensorRef (the
// oracle; same arithmetic in the same order, so the same floats), with the per-column and per-row
// taps (clamped source offsets and weights) computed once per call instead of per pixel and channel.
// On a 640x480 frame the reference's per-tap closure cost about as much as the wasm detector's
// convolutions at 128 px windows (test/kernels/resize-to-tensor-cpu.test.ts checks equality).
import { type ResizeGeometry, sourceRect } from './resize-to-tensor.ref.js';
import { type Tensor, tensor } from './tensor.js';

/** Reused tap tables (grown as needed). */
let cols = new Int32Array(0), colW = new Float64Array(0), rows = new Int32Array(0), rowW = new Float64Array(0);

/** rgba: frameW*frameH*4 bytes, row-major. Returns [1, padH, padW, 3]: B, G, R in 0..255, zero padding. */
export function resizeToTensorCpu(rgba: ArrayLike<number>, g: ResizeGeometry, dst?: Float32Array): Tensor {
  const { frameW, frameH, inW, inH, padW, padH } = g;
  if (rgba.length < frameW * frameH * 4) throw new Error(`resizeToTensorCpu: ${rgba.length} bytes for a ${frameW}x${frameH} RGBA frame`);
  const out = tensor([1, padH, padW, 3], dst);
  const O = out.data;
  O.fill(0);
  const [ox, oy, sw, sh] = sourceRect(g).map(Math.fround);
  const scaleX = Math.fround(sw / inW), scaleY = Math.fround(sh / inH);
  // A camera frame at the detector's size (640x480): every tap weight is 0, a plain copy (p·1 + q·0 = p).
  if (scaleX === 1 && scaleY === 1 && ox === 0 && oy === 0 && inW <= frameW && inH <= frameH) {
    for (let y = 0; y < inH; y++) {
      for (let x = 0, i = y * frameW * 4, o = y * padW * 3; x < inW; x++, i += 4, o += 3) {
        O[o] = rgba[i + 2];
        O[o + 1] = rgba[i + 1];
        O[o + 2] = rgba[i];
      }
    }
    return out;
  }
  if (cols.length < 2 * inW) [cols, colW] = [new Int32Array(2 * inW), new Float64Array(inW)];
  if (rows.length < 2 * inH) [rows, rowW] = [new Int32Array(2 * inH), new Float64Array(inH)];
  const clampX = (x: number) => Math.min(Math.max(x, 0), frameW - 1), clampY = (y: number) => Math.min(Math.max(y, 0), frameH - 1);
  for (let x = 0; x < inW; x++) {
    const sx = ox + (x + 0.5) * scaleX - 0.5, x0 = Math.floor(sx);
    cols[2 * x] = clampX(x0) * 4;
    cols[2 * x + 1] = clampX(x0 + 1) * 4;
    colW[x] = sx - x0;
  }
  for (let y = 0; y < inH; y++) {
    const sy = oy + (y + 0.5) * scaleY - 0.5, y0 = Math.floor(sy);
    rows[2 * y] = clampY(y0) * frameW * 4;
    rows[2 * y + 1] = clampY(y0 + 1) * frameW * 4;
    rowW[y] = sy - y0;
  }
  for (let y = 0; y < inH; y++) {
    const r0 = rows[2 * y], r1 = rows[2 * y + 1], ay = rowW[y];
    for (let x = 0; x < inW; x++) {
      const a = cols[2 * x], b = cols[2 * x + 1], ax = colW[x];
      const o = (y * padW + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = rgba[r0 + a + ch] * (1 - ax) + rgba[r0 + b + ch] * ax;
        const bottom = rgba[r1 + a + ch] * (1 - ax) + rgba[r1 + b + ch] * ax;
        O[o + 2 - ch] = top * (1 - ay) + bottom * ay; // RGB → BGR
      }
    }
  }
  return out;
}
