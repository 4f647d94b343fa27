// imageSize reads an image's displayed size from its header (no <img>, no decode). The truth is the
// browser's own decode: createImageBitmap with imageOrientation 'from-image', as the CLI pages
// decode. Images made here: JPEG, PNG and WebP (lossy and lossless) from a canvas at odd sizes,
// a JPEG with each EXIF orientation 1–8 spliced in (big- and little-endian TIFF), a 24-bit BMP, a
// 1×1 GIF; broken headers answer undefined, and so does a file that is not an image.
import { expect } from '@esm-bundle/chai';
import { headerSize, imageSize } from '../../src/headless/image-size.js';

async function canvasBlob(w: number, h: number, type: string, quality?: number): Promise<Blob> {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#3a6';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#c33';
  ctx.fillRect(0, 0, Math.ceil(w / 3), Math.ceil(h / 2)); // not symmetric: orientation shows
  return c.convertToBlob({ type, quality });
}

async function decodedSize(blob: Blob): Promise<[number, number]> {
  const b = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const size: [number, number] = [b.width, b.height];
  b.close();
  return size;
}

/** An APP1 Exif block holding one IFD entry: orientation `o`. */
function exifApp1(o: number, little: boolean): Uint8Array<ArrayBuffer> {
  const tiff = new DataView(new ArrayBuffer(8 + 2 + 12 + 4));
  tiff.setUint16(0, little ? 0x4949 : 0x4d4d);
  tiff.setUint16(2, 42, little);
  tiff.setUint32(4, 8, little);
  tiff.setUint16(8, 1, little);
  tiff.setUint16(10, 0x0112, little);
  tiff.setUint16(12, 3, little); // SHORT
  tiff.setUint32(14, 1, little);
  tiff.setUint16(18, o, little);
  const body = [...new TextEncoder().encode('Exif'), 0, 0, ...new Uint8Array(tiff.buffer)];
  return Uint8Array.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
}

/** `jpeg` with `segment` spliced in right after SOI. */
async function withSegment(jpeg: Blob, segment: Uint8Array<ArrayBuffer>): Promise<Blob> {
  const bytes = new Uint8Array(await jpeg.arrayBuffer());
  return new Blob([bytes.subarray(0, 2), segment, bytes.subarray(2)], { type: 'image/jpeg' });
}

/** A w×h 24-bit BMP (rows bottom-up, padded to 4 bytes). */
function bmp(w: number, h: number): Blob {
  const row = Math.ceil((w * 3) / 4) * 4;
  const d = new DataView(new ArrayBuffer(54 + row * h));
  d.setUint16(0, 0x424d);
  d.setUint32(2, d.byteLength, true);
  d.setUint32(10, 54, true);
  d.setUint32(14, 40, true);
  d.setInt32(18, w, true);
  d.setInt32(22, h, true);
  d.setUint16(26, 1, true);
  d.setUint16(28, 24, true);
  for (let i = 54; i < d.byteLength; i++) d.setUint8(i, (i * 37) & 0xff);
  return new Blob([d.buffer], { type: 'image/bmp' });
}

const GIF_1X1 = Uint8Array.from([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0,
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b,
]);

suite('image-size', () => {
  test('JPEG, PNG, WebP (lossy, lossless) at odd sizes: the decoded size', async () => {
    for (const [w, h] of [[1, 1], [333, 517], [2050, 3], [17, 1999]]) {
      for (const [type, q] of [['image/jpeg', 0.8], ['image/png', undefined], ['image/webp', 0.8], ['image/webp', 1]] as const) {
        const blob = await canvasBlob(w, h, type, q);
        const size = await imageSize(blob);
        expect(size, `${type} q=${q} ${w}x${h}`).to.deep.equal({ width: w, height: h });
        const [dw, dh] = await decodedSize(blob);
        expect([dw, dh], `${type} decoded`).to.deep.equal([w, h]);
        expect(headerSize(new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer())), 'from the header alone').to.not.equal('unknown');
      }
    }
  });

  test('EXIF orientation 1–8 (both byte orders): sides as the browser shows them', async () => {
    const plain = await canvasBlob(120, 70, 'image/jpeg', 0.9);
    for (const little of [false, true]) {
      for (let o = 1; o <= 8; o++) {
        const blob = await withSegment(plain, exifApp1(o, little));
        const [w, h] = await decodedSize(blob);
        expect(await imageSize(blob), `orientation ${o} ${little ? 'II' : 'MM'}`).to.deep.equal({ width: w, height: h });
        expect(o >= 5 ? [w, h] : [h, w], 'the browser swapped 5–8').to.deep.equal([70, 120]);
      }
    }
  });

  test('a frame header after a large APP2 block is still found', async () => {
    const big = new Uint8Array(4 + 60000);
    big.set([0xff, 0xe2, (60002 >> 8) & 0xff, 60002 & 0xff]);
    const blob = await withSegment(await canvasBlob(64, 48, 'image/jpeg', 0.9), big);
    expect(await decodedSize(blob)).to.deep.equal([64, 48]);
    expect(await imageSize(blob)).to.deep.equal({ width: 64, height: 48 });
  });

  test('BMP and GIF: the decoded size', async () => {
    for (const blob of [bmp(5, 3), bmp(1, 7), new Blob([GIF_1X1], { type: 'image/gif' })]) {
      const [w, h] = await decodedSize(blob);
      expect(await imageSize(blob)).to.deep.equal({ width: w, height: h });
    }
  });

  test('broken or foreign files: undefined, never a made-up size', async () => {
    const jpeg = new Uint8Array(await (await canvasBlob(40, 30, 'image/jpeg', 0.9)).arrayBuffer());
    expect(headerSize(jpeg.subarray(0, 20)), 'a JPEG cut before its frame header').to.equal(undefined);
    expect(await imageSize(new Blob([jpeg.subarray(0, 20)]))).to.equal(undefined);
    const png = new Uint8Array(await (await canvasBlob(40, 30, 'image/png')).arrayBuffer());
    expect(headerSize(png.subarray(0, 12)), 'a PNG cut before IHDR').to.equal(undefined);
    expect(headerSize(new TextEncoder().encode('not a picture\n'))).to.equal('unknown');
    expect(await imageSize(new Blob(['not a picture\n']))).to.equal(undefined);
    expect(await imageSize(new Blob([]))).to.equal(undefined);
  });
});
