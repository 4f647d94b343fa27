// The CPU path's reading of decoder frames (src/kernels/wasm/image.ts stageVideoFrame): the wasm
// YUV → RGBA kernel against its TypeScript reference (I420 and NV12, odd sizes, padded strides,
// both ranges), and the whole path on real VideoFrames against Chromium's own conversion (the
// frame drawn into a canvas, which is what the canvas path and the WebGPU upload see).
import { expect } from '@esm-bundle/chai';
import { type YuvPlanes, yuvCoefficients, yuvToRgbaRef } from '../../../src/kernels/yuv-to-rgba.ref.js';
import { WasmImageKernels } from '../../../src/kernels/wasm/image.js';
import { randomArray } from '../../helpers/gpu.js';

const bytes = (n: number, seed: number) => Uint8Array.from(randomArray(n, seed, 0, 255.99), Math.floor);

/** Random 4:2:0 planes of a w x h frame with `pad` spare bytes a row, I420 or NV12. */
function planes(w: number, h: number, pad: number, nv12: boolean, seed: number): YuvPlanes & { u: Uint8Array } {
  const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
  const yStride = w + pad, y = bytes(yStride * h, seed);
  if (nv12) {
    const uvStride = 2 * cw + pad, uv = bytes(uvStride * ch, seed + 1);
    return { y, yStride, u: uv, v: uv, uOffset: 0, vOffset: 1, uvStride, uvStep: 2 };
  }
  const uvStride = cw + pad;
  return { y, yStride, u: bytes(uvStride * ch, seed + 1), v: bytes(uvStride * ch, seed + 2), uOffset: 0, vOffset: 0, uvStride, uvStep: 1 };
}

suite('YUV frames on the CPU path', () => {
  const cases: [number, number, number, boolean, string, boolean][] = [
    [64, 48, 0, false, 'bt709', false],
    [37, 29, 3, false, 'smpte170m', true],
    [37, 29, 5, true, 'bt470bg', false],
    [1, 1, 0, true, 'bt2020-ncl', true],
    [6, 3, 2, true, 'bt709', true],
  ];
  for (const [w, h, pad, nv12, matrix, full] of cases) {
    test(`wasm yuvToRgba = reference: ${nv12 ? 'NV12' : 'I420'} ${w}x${h}, ${pad} bytes row padding, ${matrix} ${full ? 'full' : 'limited'} range`, async () => {
      const k = await WasmImageKernels.create();
      const p = planes(w, h, pad, nv12, w * 7 + h);
      const coeffs = yuvCoefficients(matrix, full)!;
      const want = yuvToRgbaRef(p, w, h, coeffs);
      const v = nv12 ? p.u : p.v;
      const got = k.yuvToRgba({ y: p.y, yStride: p.yStride, u: p.u, v, uvStride: p.uvStride, uvStep: p.uvStep }, w, h, coeffs);
      expect(got.length).to.equal(w * h * 4);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst, 'largest difference in levels').to.equal(0);
    });
  }

  test('an unknown colour matrix has no coefficients (the canvas path reads such frames)', () => {
    expect(yuvCoefficients('rgb', false)).to.equal(null);
    expect(yuvCoefficients('', true)).to.equal(null);
  });

  /** A smooth w x h picture as 4:2:0 planes (gradients and a soft blob, so chroma upsampling methods agree). */
  function smoothFrame(w: number, h: number, nv12: boolean): Uint8Array {
    const cw = w >> 1, ch = h >> 1;
    const out = new Uint8Array(w * h + 2 * cw * ch);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = 30 + Math.round(180 * (0.5 + 0.5 * Math.sin(x / 23) * Math.cos(y / 31)));
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const u = 128 + Math.round(60 * Math.sin(x / 17 + y / 29)), v = 128 + Math.round(60 * Math.cos(x / 19 - y / 13));
        if (nv12) { out[w * h + y * 2 * cw + 2 * x] = u; out[w * h + y * 2 * cw + 2 * x + 1] = v; }
        else { out[w * h + y * cw + x] = u; out[w * h + cw * ch + y * cw + x] = v; }
      }
    }
    return out;
  }

  /** Mean and largest absolute difference over R, G, B, and the mean signed difference per channel. */
  function diff(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; worst: number; bias: number[] } {
    let sum = 0, worst = 0;
    const bias = [0, 0, 0];
    for (let i = 0; i < b.length; i++) {
      if (i % 4 === 3) continue;
      const d = a[i] - b[i];
      sum += Math.abs(d);
      bias[i % 4] += d;
      worst = Math.max(worst, Math.abs(d));
    }
    const n = (b.length / 4) * 3;
    return { mean: sum / n, worst, bias: bias.map((x) => x / (n / 3)) };
  }

  for (const [format, matrix, fullRange] of [['I420', 'bt709', false], ['NV12', 'smpte170m', false], ['I420', 'bt470bg', true]] as const) {
    test(`a ${format} VideoFrame (${matrix}, ${fullRange ? 'full' : 'limited'} range) read by stageVideoFrame matches Chromium's drawImage of it`, async () => {
      const w = 160, h = 96;
      const frame = new VideoFrame(smoothFrame(w, h, format === 'NV12'), {
        format, codedWidth: w, codedHeight: h, timestamp: 0,
        colorSpace: { matrix, fullRange, primaries: matrix === 'bt709' ? 'bt709' : 'smpte170m', transfer: matrix === 'bt709' ? 'bt709' : 'smpte170m' },
      });
      try {
        const k = await WasmImageKernels.create();
        const staged = await k.stageVideoFrame(frame);
        expect(staged, 'the frame is read without a canvas').to.not.equal(null);
        const canvas = new OffscreenCanvas(w, h);
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(frame, 0, 0);
        const theirs = ctx.getImageData(0, 0, w, h).data;
        // The same planes through the reference with the wrong matrix or range: how far a mistake lands.
        const data = smoothFrame(w, h, format === 'NV12');
        const cw = w >> 1, ch = h >> 1;
        const p: YuvPlanes = format === 'NV12'
          ? { y: data, yStride: w, u: data, v: data, uOffset: w * h, vOffset: w * h + 1, uvStride: 2 * cw, uvStep: 2 }
          : { y: data, yStride: w, u: data, v: data, uOffset: w * h, vOffset: w * h + cw * ch, uvStride: cw, uvStep: 1 };
        const wrongRange = yuvToRgbaRef(p, w, h, yuvCoefficients(matrix, !fullRange)!);
        const wrongMatrix = yuvToRgbaRef(p, w, h, yuvCoefficients(matrix === 'bt709' ? 'smpte170m' : 'bt709', fullRange)!);
        const ours = diff(staged!.data, theirs), range = diff(wrongRange, theirs), mat = diff(wrongMatrix, theirs);
        // Chromium's converter rounds its own way and may interpolate chroma, so a level or so apart;
        // the wrong range or matrix is several times farther.
        expect(ours.mean, `mean difference in levels (wrong range: ${range.mean.toFixed(2)}, wrong matrix: ${mat.mean.toFixed(2)})`).to.be.below(1.5);
        expect(Math.max(...ours.bias.map(Math.abs)), 'largest mean signed difference of a channel').to.be.below(0.5);
        expect(ours.worst, 'largest difference in levels').to.be.at.most(8);
        expect(range.mean).to.be.above(3 * ours.mean);
        expect(mat.mean).to.be.above(2 * ours.mean);
      } finally {
        frame.close();
      }
    });
  }

  test('a frame cropped by its visible rectangle (offset, odd width and height) reads only that rectangle, as Chromium draws it', async () => {
    const w = 64, h = 48, rect = { x: 6, y: 4, width: 41, height: 27 };
    const frame = new VideoFrame(smoothFrame(w, h, false), {
      format: 'I420', codedWidth: w, codedHeight: h, visibleRect: rect, timestamp: 0,
      colorSpace: { matrix: 'smpte170m', fullRange: false, primaries: 'smpte170m', transfer: 'smpte170m' },
    });
    try {
      const k = await WasmImageKernels.create();
      const staged = await k.stageVideoFrame(frame);
      if (!staged) throw new Error('the cropped frame went to the canvas path');
      expect([staged.width, staged.height]).to.deep.equal([41, 27]);
      const ctx = new OffscreenCanvas(41, 27).getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(frame, 0, 0);
      const d = diff(staged.data, ctx.getImageData(0, 0, 41, 27).data);
      expect(d.mean, 'mean difference in levels').to.be.below(1.5);
      expect(Math.max(...d.bias.map(Math.abs))).to.be.below(0.5);
    } finally {
      frame.close();
    }
  });

  test('a frame in a format it does not convert (BGRA) or with a display size of its own is left to the canvas', async () => {
    const k = await WasmImageKernels.create();
    const bgra = new VideoFrame(new Uint8Array(8 * 4 * 4), { format: 'BGRA', codedWidth: 8, codedHeight: 4, timestamp: 0 });
    const wide = new VideoFrame(smoothFrame(16, 8, false), { format: 'I420', codedWidth: 16, codedHeight: 8, displayWidth: 32, displayHeight: 8, timestamp: 0, colorSpace: { matrix: 'bt709', fullRange: false } });
    try {
      expect(await k.stageVideoFrame(bgra)).to.equal(null);
      expect(await k.stageVideoFrame(wide)).to.equal(null);
    } finally {
      bgra.close();
      wide.close();
    }
  });

  test('an RGBA VideoFrame is staged as it is', async () => {
    const k = await WasmImageKernels.create();
    const px = bytes(5 * 3 * 4, 9);
    const f = new VideoFrame(px, { format: 'RGBA', codedWidth: 5, codedHeight: 3, timestamp: 0 });
    try {
      const got = await k.stageVideoFrame(f);
      expect(Array.from(got!.data)).to.deep.equal(Array.from(px));
    } finally {
      f.close();
    }
  });
});
