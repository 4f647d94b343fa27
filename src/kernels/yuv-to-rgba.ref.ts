// Video frames come from the decoder as 4:2:0 YUV (I420: three planes; NV12: luma and interleaved
// chroma). The CPU path converts them itself (VideoFrame.copyTo in the frame's own format, then
// src/kernels/wasm/assembly/image.ts yuvToRgba) instead of drawing them into a canvas and reading
// it back, which costs several times as much where the frame lives on the GPU. This is the
// reference of that kernel and the one place the colour matrices are written down.

/** The numbers of one conversion: l = (Y - yOff) * yScale; R = l + rv v, G = l - gu u - gv v, B = l + bu u (u, v = U, V - 128). */
export interface YuvCoefficients { yOff: number; yScale: number; rv: number; gu: number; gv: number; bu: number }

/** Kr, Kb of the matrices VideoColorSpace names (Rec. 709, Rec. 601 as bt470bg and smpte170m, Rec. 2020 non-constant). */
const MATRICES: Record<string, [number, number]> = {
  bt709: [0.2126, 0.0722],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
  'bt2020-ncl': [0.2627, 0.0593],
};

/** The conversion for a VideoColorSpace matrix and range, or null for one this module does not know. */
export function yuvCoefficients(matrix: string, fullRange: boolean): YuvCoefficients | null {
  const k = MATRICES[matrix];
  if (!k) return null;
  const [kr, kb] = k, kg = 1 - kr - kb;
  // Limited ("TV") range: luma 16..235, chroma 16..240 around 128.
  const c = fullRange ? 1 : 255 / 224;
  return {
    yOff: fullRange ? 0 : 16,
    yScale: fullRange ? 1 : 255 / 219,
    rv: 2 * (1 - kr) * c,
    gu: ((2 * kb * (1 - kb)) / kg) * c,
    gv: ((2 * kr * (1 - kr)) / kg) * c,
    bu: 2 * (1 - kb) * c,
  };
}

/** The 4:2:0 planes of a w x h frame: strides in bytes; uvStep 1 (separate U and V planes) or 2 (NV12: U, V interleaved, v = u + 1). */
export interface YuvPlanes {
  y: Uint8Array; yStride: number;
  u: Uint8Array; v: Uint8Array; uOffset: number; vOffset: number; uvStride: number; uvStep: 1 | 2;
}

const clampByte = (x: number) => Math.min(255, Math.max(0, roundHalfEven(x)));
/** Rounding as f32x4.nearest: halves to even. */
const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** RGBA8 (alpha 255), w*h*4 bytes: each chroma sample shared by its 2x2 block of pixels. */
export function yuvToRgbaRef(p: YuvPlanes, w: number, h: number, k: YuvCoefficients, dst = new Uint8ClampedArray(w * h * 4)): Uint8ClampedArray {
  const f = Math.fround;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = f(f(p.y[y * p.yStride + x] - f(k.yOff)) * f(k.yScale));
      const c = (y >> 1) * p.uvStride + (x >> 1) * p.uvStep;
      const u = p.u[p.uOffset + c] - 128, v = p.v[p.vOffset + c] - 128;
      const o = (y * w + x) * 4;
      dst[o] = clampByte(f(l + f(f(k.rv) * v)));
      dst[o + 1] = clampByte(f(f(l - f(f(k.gu) * u)) - f(f(k.gv) * v)));
      dst[o + 2] = clampByte(f(l + f(f(k.bu) * u)));
      dst[o + 3] = 255;
    }
  }
  return dst;
}
