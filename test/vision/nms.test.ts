import { expect } from '@esm-bundle/chai';
import { nms, rowIoU } from '../../src/vision/nms.js';
import { CANDIDATE, SCORE, decodeScratch, decodeYunet, detectorGeometry, toFaces } from '../../src/vision/yunet-decode.js';

/** Rows of [x, y, w, h, score]. */
function rows(...r: number[][]): Float32Array {
  return Float32Array.from(r.flat());
}

function near(got: ArrayLike<number>, want: number[], eps = 1e-5): void {
  expect(got.length).to.equal(want.length);
  want.forEach((v, i) => expect(got[i], `[${i}]`).to.be.closeTo(v, eps));
}

suite('nms', () => {
  test('rowIoU: identical 1, disjoint 0, half overlap 1/3', () => {
    const d = rows([0, 0, 10, 10, 1], [0, 0, 10, 10, 1], [20, 20, 5, 5, 1], [5, 0, 10, 10, 1]);
    expect(rowIoU(d, 0, 1, 5)).to.equal(1);
    expect(rowIoU(d, 0, 2, 5)).to.equal(0);
    expect(rowIoU(d, 0, 3, 5)).to.be.closeTo(50 / 150, 1e-7);
  });

  test('keeps the best of overlapping boxes, best first; IoU exactly at the threshold survives', () => {
    const d = rows([0, 0, 10, 10, 0.7], [1, 0, 10, 10, 0.9], [50, 50, 10, 10, 0.8], [5, 0, 10, 10, 0.6]);
    // rows 1 and 3: IoU = 60/140 = 0.43 > 0.3 → 3 goes; rows 1 and 0: 0.82 → 0 goes.
    expect(Array.from(nms(d, 4, { stride: 5, score: 4, iou: 0.3 }))).to.deep.equal([1, 2]);
    const e = rows([0, 0, 10, 10, 0.9], [5, 0, 10, 10, 0.8]); // IoU 1/3
    expect(Array.from(nms(e, 2, { stride: 5, score: 4, iou: 1 / 3 }))).to.deep.equal([0, 1]);
  });

  test('topK, ties by row order, empty input, and dst reuse without allocation', () => {
    const d = rows([0, 0, 1, 1, 0.5], [10, 0, 1, 1, 0.5], [20, 0, 1, 1, 0.9], [30, 0, 1, 1, 0.1]);
    expect(Array.from(nms(d, 4, { stride: 5, score: 4, iou: 0.3, topK: 3 }))).to.deep.equal([2, 0, 1]);
    expect(nms(d, 0, { stride: 5, score: 4, iou: 0.3 }).length).to.equal(0);
    const dst = new Int32Array(8);
    const kept = nms(d, 4, { stride: 5, score: 4, iou: 0.3 }, dst);
    expect(kept.buffer).to.equal(dst.buffer);
    expect(Array.from(kept)).to.deep.equal([2, 0, 1, 3]);
  });
});

suite('yunet-decode', () => {
  test('detectorGeometry: fit longest side, never upscale, pad to 32', () => {
    const a = detectorGeometry(1280, 720, 640);
    expect([a.inW, a.inH, a.padW, a.padH]).to.deep.equal([640, 360, 640, 384]);
    expect(a.scaleX).to.equal(2);
    const b = detectorGeometry(640, 428, 640);
    expect([b.inW, b.inH, b.padW, b.padH, b.scaleX, b.scaleY]).to.deep.equal([640, 428, 640, 448, 1, 1]);
    const c = detectorGeometry(100, 50, 640);
    expect([c.inW, c.inH, c.padW, c.padH]).to.deep.equal([100, 50, 128, 64]);
    expect(() => detectorGeometry(0, 10, 640)).to.throw(/empty/);
  });

  test('decodes one anchor as OpenCV does, and maps it to frame pixels', () => {
    // 64x32 input: stride 8 → 8x4 anchors, 16 → 4x2, 32 → 2x1; one hot anchor at stride 16, row 1, col 2.
    const g = detectorGeometry(128, 64, 64); // input 64x32, scale 2
    const heads = new Float32Array((32 + 8 + 2) * 16);
    const a = 32 + (1 * 4 + 2);
    heads.set([0.81, 1.2, 0.5, 0.25, Math.log(2), Math.log(3), 0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], a * 16);
    heads[0] = 0.5; // a stride-8 anchor with obj 0: score 0
    const scratch = decodeScratch(1);
    const n = decodeYunet(heads, g, [8, 16, 32], 0.6, scratch);
    expect(n).to.equal(1);
    const r = Array.from(scratch.rows.subarray(0, CANDIDATE));
    // score = sqrt(0.81 · clamp(1.2)) = 0.9; cx = (2 + 0.5)·16 = 40, cy = (1 + 0.25)·16 = 20, w = 32, h = 48.
    expect(r[SCORE]).to.be.closeTo(0.9, 1e-6);
    near(r.slice(0, 6), [24, -4, 32, 48, 32, 16]);
    const faces = toFaces(scratch.rows, [0], g);
    expect(faces).to.have.length(1);
    // ×2 to the 128x64 frame: y -8..88, clipped to 0..64.
    near(faces[0].box, [48, 0, 64, 64]);
    near(faces[0].landmarks[0], [64, 32]);
    near(faces[0].landmarks[4], [96, 64]); // (3, 2)·16·2 = (96, 64): clamped to H = 64
  });

  test('scratch grows past its capacity', () => {
    const g = detectorGeometry(32, 32, 32);
    const heads = new Float32Array((16 + 4 + 1) * 16);
    for (let a = 0; a < 21; a++) heads.set([1, 1], a * 16);
    const scratch = decodeScratch(2);
    expect(decodeYunet(heads, g, [8, 16, 32], 0.5, scratch)).to.equal(21);
    expect(scratch.rows.length).to.be.at.least(21 * CANDIDATE);
    expect(scratch.keep.length).to.be.at.least(21);
  });
});
