import { expect } from '@esm-bundle/chai';
import { centreSquare, decodeImage, resizeGray, resizeRgb, rgbaToGray, rgbaToRgb, toGrayCrop, toRgbCrop } from './to-gray-crop.js';

/** A w×h RGBA image whose pixel (x, y) is fill(x, y), as an ImageBitmap. */
async function bitmap(w: number, h: number, fill: (x: number, y: number) => [number, number, number]): Promise<ImageBitmap> {
  const data = new ImageData(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = fill(x, y);
      data.data.set([r, g, b, 255], 4 * (y * w + x));
    }
  }
  return createImageBitmap(data);
}

suite('to-gray-crop', () => {
  test('rgbaToGray uses PIL L maths (R·19595 + G·38470 + B·7471 + 0x8000) >> 16', () => {
    const gray = rgbaToGray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 77, 77, 77, 0, 10, 200, 30, 255]);
    // PIL: Image.new('RGB', (1,1), c).convert('L') gives 76, 150, 29, 77, 124.
    expect(Array.from(gray)).to.deep.equal([76, 150, 29, 77, 124]);
  });

  test('centreSquare of 96×64 is x=16 side 64, of 5×8 is y=1 side 5', () => {
    expect(centreSquare(96, 64)).to.deep.equal([16, 0, 64]);
    expect(centreSquare(5, 8)).to.deep.equal([0, 1, 5]);
  });

  test('resizeGray 4×4→2×2 averages 2×2 blocks; same size copies', () => {
    const src = [0, 4, 8, 8, 4, 0, 8, 8, 100, 100, 1, 3, 100, 100, 5, 7];
    expect(Array.from(resizeGray(src, 4, 4, 2, 2))).to.deep.equal([2, 8, 100, 4]);
    expect(Array.from(resizeGray(src, 4, 4, 4, 4))).to.deep.equal(src);
  });

  test('resizeGray 3→2 weighs pixels by exact coverage (area averaging)', () => {
    // Output 0 covers source [0, 1.5): weights 1, 0.5 → (0·1 + 30·0.5) / 1.5 = 10.
    const src = [0, 30, 90, 0, 30, 90, 0, 30, 90];
    expect(Array.from(resizeGray(src, 3, 3, 2, 2))).to.deep.equal([10, 70, 10, 70]);
  });

  test('resizeGray upscaling keeps a flat image flat and a ramp monotonic', () => {
    expect(Array.from(resizeGray(new Uint8Array(9).fill(77), 3, 3, 8, 8)).every((v) => v === 77)).to.equal(true);
    const up = resizeGray([0, 255, 0, 255], 2, 2, 6, 6);
    for (let x = 1; x < 6; x++) expect(up[x]).to.be.at.least(up[x - 1]);
  });

  test('toGrayCrop of 96×64 crops the centre square and halves it to 32×32', async () => {
    // Left 16 columns red (outside the crop), then a gray ramp by column.
    const bmp = await bitmap(96, 64, (x) => (x < 16 ? [255, 0, 0] : [2 * (x - 16), 2 * (x - 16), 2 * (x - 16)]));
    const crop = toGrayCrop(bmp, 32);
    expect(crop.length).to.equal(32 * 32);
    // Output column c averages source columns 16+2c, 17+2c → ramp values 4c and 4c+2 → 4c+1.
    for (const c of [0, 5, 31]) expect(crop[7 * 32 + c]).to.equal(4 * c + 1);
  });

  test('toGrayCrop of a 48×48 gray image is the identity', async () => {
    const bmp = await bitmap(48, 48, (x, y) => [(x * 5 + y) & 255, (x * 5 + y) & 255, (x * 5 + y) & 255]);
    const crop = toGrayCrop(bmp, 48);
    for (const [x, y] of [[0, 0], [13, 40], [47, 47]]) expect(crop[y * 48 + x]).to.equal((x * 5 + y) & 255);
  });

  test('resizeRgb resizes each channel as resizeGray does', () => {
    const w = 7, h = 5;
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + (i % 3) * 50) & 255);
    const plane = (c: number, a: ArrayLike<number>, n: number) => Array.from({ length: n }, (_, i) => a[i * 3 + c]);
    for (const [dw, dh] of [[3, 2], [10, 9]]) {
      const out = resizeRgb(rgb, w, h, dw, dh);
      for (let c = 0; c < 3; c++) expect(plane(c, out, dw * dh)).to.deep.equal(Array.from(resizeGray(plane(c, rgb, w * h), w, h, dw, dh)));
    }
    expect(Array.from(rgbaToRgb([1, 2, 3, 255, 4, 5, 6, 0]))).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  test('toRgbCrop of 96×64 crops the centre square, keeps the colours and halves it to 32×32×3', async () => {
    const bmp = await bitmap(96, 64, (x) => (x < 16 ? [255, 255, 255] : [2 * (x - 16), 10, 200]));
    const crop = toRgbCrop(bmp, 32);
    expect(crop.length).to.equal(32 * 32 * 3);
    for (const c of [0, 5, 31]) expect(Array.from(crop.subarray((7 * 32 + c) * 3, (7 * 32 + c) * 3 + 3))).to.deep.equal([4 * c + 1, 10, 200]);
  });

  test('decodeImage rejects bytes that are not an image, naming the file', async () => {
    let err: unknown;
    try {
      await decodeImage(new Blob([new Uint8Array([1, 2, 3, 4])]), 'broken.jpg');
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/broken\.jpg/);
  });
});
