// Width and height of an encoded image without decoding its pixels, so the CLI pages can decode a
// huge photo already scaled down (createImageBitmap's resize options) instead of at full size.
//
// Read from the file's header: JPEG (its frame header, and the EXIF orientation, which
// createImageBitmap's imageOrientation 'from-image' applies: 5–8 swap the sides), PNG, GIF, BMP and
// WebP. An <img> element would read the size too, but each one kept its file's bytes in the page
// (about 1.5 MB per 9000×7000 JPEG, never freed: tools/bench-memory.mjs), so it is only the
// fallback for other formats (AVIF, TIFF, ICO…).

/** Bytes read from the start of a file to find a JPEG's frame header (EXIF and ICC blocks come first). */
const HEAD_BYTES = 1 << 20;

export interface ImageSize {
  width: number;
  height: number;
}

/** The displayed size (orientation applied), or undefined when the file is not an image we can read. */
export async function imageSize(blob: Blob): Promise<ImageSize | undefined> {
  const head = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const parsed = headerSize(head);
  if (parsed !== 'unknown') return parsed;
  return elementSize(blob);
}

/**
 * The size in `head` (the file's first bytes): a size, undefined for a known format whose header is
 * broken or missing from `head`, or 'unknown' for another format.
 */
export function headerSize(head: Uint8Array): ImageSize | undefined | 'unknown' {
  const d = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const at = (i: number, s: string) => head.length >= i + s.length && [...s].every((c, j) => head[i + j] === c.charCodeAt(0));
  const ok = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  if (head[0] === 0xff && head[1] === 0xd8) return jpegSize(head, d);
  if (at(0, '\x89PNG\r\n\x1a\n')) return head.length >= 24 && at(12, 'IHDR') ? ok(d.getUint32(16), d.getUint32(20)) : undefined;
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return head.length >= 10 ? ok(d.getUint16(6, true), d.getUint16(8, true)) : undefined;
  if (at(0, 'BM')) {
    if (head.length < 26) return undefined;
    // A 12-byte OS/2 core header has 16-bit sides; every later header 32-bit (height negative: top-down).
    return d.getUint32(14, true) === 12 ? ok(d.getUint16(18, true), d.getUint16(20, true)) : ok(Math.abs(d.getInt32(18, true)), Math.abs(d.getInt32(22, true)));
  }
  if (at(0, 'RIFF') && at(8, 'WEBP')) {
    const u24 = (i: number) => head[i] | (head[i + 1] << 8) | (head[i + 2] << 16);
    if (at(12, 'VP8X') && head.length >= 30) return ok(1 + u24(24), 1 + u24(27));
    if (at(12, 'VP8L') && head.length >= 25) {
      const bits = d.getUint32(21, true);
      return ok(1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
    }
    if (at(12, 'VP8 ') && head.length >= 30) return ok(d.getUint16(26, true) & 0x3fff, d.getUint16(28, true) & 0x3fff);
    return undefined;
  }
  return 'unknown';
}

/** SOF markers that carry a frame size (C4 DHT, C8 JPG and CC DAC are not frames). */
const isFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegSize(head: Uint8Array, d: DataView): ImageSize | undefined {
  let orientation = 1;
  let i = 2;
  while (i + 4 <= head.length) {
    if (head[i] !== 0xff) return undefined;
    const marker = head[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end, or scan data before any frame header
    const len = d.getUint16(i + 2);
    if (len < 2) return undefined;
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(head, i + 4, Math.min(head.length, i + 2 + len));
    if (isFrame(marker)) {
      if (i + 9 > head.length) return undefined;
      const h = d.getUint16(i + 5), w = d.getUint16(i + 7);
      if (!(w > 0 && h > 0)) return undefined;
      return orientation >= 5 && orientation <= 8 ? { width: h, height: w } : { width: w, height: h };
    }
    i += 2 + len;
  }
  return undefined;
}

/** The orientation tag (0x0112) of an APP1 Exif block in head[start, end); 1 when absent or unreadable. */
function exifOrientation(head: Uint8Array, start: number, end: number): number {
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
  if (end - start < 14 || exif.some((b, j) => head[start + j] !== b)) return 1;
  const t = start + 6; // TIFF header
  const d = new DataView(head.buffer, head.byteOffset, end);
  const little = head[t] === 0x49 && head[t + 1] === 0x49;
  if (!little && !(head[t] === 0x4d && head[t + 1] === 0x4d)) return 1;
  const ifd = t + d.getUint32(t + 4, little);
  if (ifd + 2 > end) return 1;
  const n = d.getUint16(ifd, little);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > end) return 1;
    if (d.getUint16(e, little) === 0x0112) {
      const v = d.getUint16(e + 8, little);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/** The fallback: an <img> reads the size on load (and decodes only when painted). */
async function elementSize(blob: Blob): Promise<ImageSize | undefined> {
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('not an image'));
    });
    return { width: img.naturalWidth, height: img.naturalHeight };
  } catch {
    return undefined; // the decode that follows says why
  } finally {
    URL.revokeObjectURL(url);
  }
}
