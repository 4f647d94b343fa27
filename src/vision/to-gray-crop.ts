// The one image → network-input conversion, shared by the app (file picker, drop) and the
// classify CLI's page, so both feed the model the same pixels:
//
//   decodeImage(blob)            bytes → ImageBitmap (EXIF orientation applied, no colour management)
//   toGrayCrop(bitmap, size)     centre square crop of the whole image → gray (PIL 'L' maths) →
//                                size×size Uint8Array, area-averaged when downscaling (exact pixel
//                                coverage, as OpenCV INTER_AREA; PIL BOX agrees within 1 for
//                                integer ratios), bilinear when upscaling (PIL BILINEAR's
//                                pixel-centre convention, within 1)
//   toRgbCrop(bitmap, size)      the same crop and resize per channel → size×size×3 RGB (gender)
//
// A 48×48 grayscale FER-2013 JPEG passes through unchanged (crop = whole image, no resize, and
// R = G = B makes the gray formula exact). The pure parts (rgbaToGray, rgbaToRgb, resizeGray, resizeRgb) take plain
// arrays so they are testable without a canvas.

/** Options for createImageBitmap that keep the decoded pixels as the file stores them. */
const DECODE_OPTIONS: ImageBitmapOptions = {
  imageOrientation: 'from-image',
  colorSpaceConversion: 'none',
  premultiplyAlpha: 'none',
};

/**
 * Decodes image bytes (JPEG, PNG, WebP, GIF, BMP, AVIF: whatever the browser reads).
 * Throws an Error naming the file when the bytes are not a readable image.
 */
export async function decodeImage(data: Blob, name = 'image'): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(data, DECODE_OPTIONS);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`Could not decode ${name} as an image (${data.size} bytes): ${why}`);
  }
}

/** The centre square of a w×h image: [x, y, side]. */
export function centreSquare(w: number, h: number): [number, number, number] {
  const side = Math.min(w, h);
  return [Math.floor((w - side) / 2), Math.floor((h - side) / 2), side];
}

/**
 * RGBA bytes → gray bytes with PIL's 'L' conversion (ITU-R 601-2 luma in 16-bit fixed point:
 * (R·19595 + G·38470 + B·7471 + 0x8000) >> 16), alpha ignored as PIL ignores it.
 */
export function rgbaToGray(rgba: ArrayLike<number>, dst = new Uint8Array(rgba.length >> 2)): Uint8Array {
  for (let i = 0, j = 0; j < dst.length; i += 4, j++) {
    dst[j] = (rgba[i] * 19595 + rgba[i + 1] * 38470 + rgba[i + 2] * 7471 + 0x8000) >>> 16;
  }
  return dst;
}

/** Per output index: first source index and the weights of the source samples it reads. */
interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array; // count[i] weights for output i, packed at i * stride
  stride: number;
}

/**
 * Area averaging (downscale): output pixel i covers source [i·s, (i+1)·s) with s = src/dst, and
 * each source pixel weighs by its overlap. Bilinear (upscale): pixel centres, clamped at edges.
 */
function axisTaps(src: number, dst: number): AxisTaps {
  const scale = src / dst;
  const down = scale >= 1;
  const stride = down ? Math.ceil(scale) + 1 : 2;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    if (down) {
      const lo = i * scale;
      const hi = Math.min((i + 1) * scale, src);
      const first = Math.floor(lo);
      const last = Math.min(Math.ceil(hi) - 1, src - 1);
      start[i] = first;
      count[i] = last - first + 1;
      for (let k = first; k <= last; k++) {
        weights[i * stride + k - first] = (Math.min(k + 1, hi) - Math.max(k, lo)) / scale;
      }
    } else {
      const c = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), src - 1);
      const first = Math.min(Math.floor(c), Math.max(src - 2, 0));
      const t = c - first;
      start[i] = first;
      count[i] = src > 1 ? 2 : 1;
      weights[i * stride] = src > 1 ? 1 - t : 1;
      weights[i * stride + 1] = src > 1 ? t : 0;
    }
  }
  return { start, count, weights, stride };
}

/**
 * Resizes an image of `c` interleaved channels (row-major, `c` bytes per pixel), separably: rows
 * first, then columns, in float, rounded once at the end. (PIL rounds to 8 bits between its two
 * passes, hence the off-by-one differences noted above.) Each channel is resized on its own, with
 * the same taps.
 */
export function resizeChannels(
  src: ArrayLike<number>,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  c: number,
  dst = new Uint8Array(dw * dh * c),
): Uint8Array {
  if (sw === dw && sh === dh) {
    for (let i = 0; i < dw * dh * c; i++) dst[i] = src[i];
    return dst;
  }
  const tx = axisTaps(sw, dw);
  const ty = axisTaps(sh, dh);
  const rows = new Float32Array(dw * sh * c); // horizontal pass: sh rows of dw samples
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const s = tx.start[x];
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0, o = x * tx.stride; k < tx.count[x]; k++, o++) acc += src[(row + s + k) * c + ch] * tx.weights[o];
        rows[(y * dw + x) * c + ch] = acc;
      }
    }
  }
  for (let y = 0; y < dh; y++) {
    const s = ty.start[y];
    for (let x = 0; x < dw; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0, o = y * ty.stride; k < ty.count[y]; k++, o++) acc += rows[((s + k) * dw + x) * c + ch] * ty.weights[o];
        dst[(y * dw + x) * c + ch] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return dst;
}

/** Resizes a gray image (one byte per pixel): resizeChannels with c = 1. */
export function resizeGray(
  src: ArrayLike<number>,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  dst = new Uint8Array(dw * dh),
): Uint8Array {
  return resizeChannels(src, sw, sh, dw, dh, 1, dst);
}

/** Resizes an RGB image (three interleaved bytes per pixel): resizeChannels with c = 3. */
export function resizeRgb(
  src: ArrayLike<number>,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  dst = new Uint8Array(dw * dh * 3),
): Uint8Array {
  return resizeChannels(src, sw, sh, dw, dh, 3, dst);
}

/** RGBA bytes → RGB bytes (alpha dropped). */
export function rgbaToRgb(rgba: ArrayLike<number>, dst = new Uint8Array((rgba.length >> 2) * 3)): Uint8Array {
  for (let i = 0, j = 0; j < dst.length; i += 4, j += 3) {
    dst[j] = rgba[i];
    dst[j + 1] = rgba[i + 1];
    dst[j + 2] = rgba[i + 2];
  }
  return dst;
}

/** The centre square of the bitmap as RGBA bytes (side×side), unscaled. */
function centreSquarePixels(bitmap: ImageBitmap): { rgba: Uint8ClampedArray; side: number } {
  const [x, y, side] = centreSquare(bitmap.width, bitmap.height);
  if (side === 0) throw new Error('the image is empty (0 pixels wide or high)');
  const canvas = new OffscreenCanvas(side, side);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: true });
  if (!ctx) throw new Error('no 2D canvas context to read the image pixels');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(bitmap, x, y, side, side, 0, 0, side, side);
  return { rgba: ctx.getImageData(0, 0, side, side).data, side };
}

/**
 * An ImageBitmap → the network's size×size gray crop (0..255): centre square of the whole image,
 * gray as PIL 'L', area-averaged down to size (or bilinear up). Transparent pixels read as black
 * (the canvas premultiplies alpha). Uses an OffscreenCanvas, so it
 * runs on the main thread and in workers alike.
 */
export function toGrayCrop(bitmap: ImageBitmap, size = 48, dst = new Uint8Array(size * size)): Uint8Array {
  const { rgba, side } = centreSquarePixels(bitmap);
  return resizeGray(rgbaToGray(rgba), side, side, size, size, dst);
}

/**
 * toGrayCrop's RGB sibling, for models with 3 input channels (gender): the same centre square and
 * resize, per channel, → size×size×3 Uint8Array (R, G, B interleaved, row-major). A UTKFace chip
 * is the whole face image, so the centre square of the whole image is the chip's own framing.
 */
export function toRgbCrop(bitmap: ImageBitmap, size = 64, dst = new Uint8Array(size * size * 3)): Uint8Array {
  const { rgba, side } = centreSquarePixels(bitmap);
  return resizeRgb(rgbaToRgb(rgba), side, side, size, size, dst);
}

/** toGrayCrop for 1 channel, toRgbCrop for 3. */
export function toCrop(bitmap: ImageBitmap, size: number, channels: 1 | 3): Uint8Array {
  return channels === 3 ? toRgbCrop(bitmap, size) : toGrayCrop(bitmap, size);
}
