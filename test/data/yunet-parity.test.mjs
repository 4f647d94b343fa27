// YuNet on our WGSL kernels (and on the CPU reference kernels) vs the original ONNX file run by
// onnxruntime-node, on real photos and video frames (EMOLENS_DATA/media, CC BY 2.0: race.jpg © 2014
// Peter Mooney, person_cropped_2.png © 2013 Eugene Kim, video_01.mp4 © 2012 Aaron "tango" Tang).
// The browser (tools/detector-page.mjs) decodes each image, runs detect() and hands back its input
// tensor, raw heads and faces; onnxruntime runs the same input tensor, and an independent port of
// OpenCV's FaceDetectorYN post-processing (tools/yunet-oracle.mjs) turns its heads into faces.
// Checked: heads (max abs error per part), faces (same count, IoU ≥ 0.95, score), WebGPU = CPU,
// the input tensor against ffmpeg's decoding (BGR order, scale, zero padding), and the worker verb.
// The numbers are printed as test diagnostics.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDetectorPage } from '../../tools/detector-page.mjs';
import { boxIoU, ffmpegBgr, loadYunetOracle, opencvPostProcess } from '../../tools/yunet-oracle.mjs';
import { ensureBuilt, root, tempDir } from '../e2e/helpers.mjs';
import { useData } from './data-folder.mjs';

const [MEDIA] = useData(import.meta, ['media', 'race.jpg'], ['media', 'person_cropped_2.png'], ['media', 'video_01.mp4'], ['models', 'face_detection_yunet_2023mar.onnx']).map(dirname);
const THRESHOLD = 0.6;
const STRIDES = [8, 16, 32];
// Heads: f32 everywhere, different summation orders through 38 layers (onnxruntime's MLAS vs our
// kernels). Observed max abs errors (SwiftShader, Chromium 156): scores ≤ 7e-6, box offsets ≤ 3e-5,
// landmark offsets ≤ 3e-5 (in units of the stride), both backends; the bounds leave ~30x margin.
const HEAD_ATOL = { score: 2e-4, bbox: 1e-3, kps: 1e-3 };
const MIN_IOU = 0.95;
const SCORE_ATOL = 1e-4; // observed ≤ 2e-7

let dir;
let session;
let oracle;
const images = []; // { name, file, base64 }

function f32(base64) {
  const b = Buffer.from(base64, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-yunet-');
  for (const n of [0, 45, 89]) {
    const out = join(dir, `video_01_f${n}.png`);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(MEDIA, 'video_01.mp4'), '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ffmpeg frame ${n}: ${r.stderr}`);
    images.push({ name: `video_01 frame ${n}`, file: out });
  }
  images.unshift({ name: 'race.jpg', file: join(MEDIA, 'race.jpg') }, { name: 'person_cropped_2.png', file: join(MEDIA, 'person_cropped_2.png') });
  for (const im of images) im.base64 = (await readFile(im.file)).toString('base64');
  [session, oracle] = await Promise.all([openDetectorPage(join(root, 'dist')), loadYunetOracle()]);
});

after(async () => {
  await session?.close();
  await oracle?.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Our packed heads [anchors, 16] vs onnxruntime's 12 outputs: max abs error of each part. */
function headErrors(ours, ort, padW, padH) {
  const err = { score: 0, bbox: 0, kps: 0 };
  let a = 0;
  for (const s of STRIDES) {
    const n = (padW / s) * (padH / s);
    const parts = [['score', `cls_${s}`, 0, 1], ['score', `obj_${s}`, 1, 1], ['bbox', `bbox_${s}`, 2, 4], ['kps', `kps_${s}`, 6, 10]];
    for (const [kind, name, at, k] of parts) {
      const o = ort[name];
      assert.equal(o.length, n * k, `${name}: ${o.length} values for ${n} anchors`);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) err[kind] = Math.max(err[kind], Math.abs(ours[(a + i) * 16 + at + j] - o[i * k + j]));
    }
    a += n;
  }
  return err;
}

/** The oracle's faces in frame pixels, clipped like ours. */
function oracleFaces(heads, g) {
  return opencvPostProcess(heads, g.padW, g.padH, { scoreThreshold: THRESHOLD, nmsThreshold: 0.3, topK: 50 }).map((f) => {
    const x1 = Math.min(Math.max(f.box[0] * g.scaleX, 0), g.frameW), y1 = Math.min(Math.max(f.box[1] * g.scaleY, 0), g.frameH);
    const x2 = Math.min(Math.max((f.box[0] + f.box[2]) * g.scaleX, 0), g.frameW), y2 = Math.min(Math.max((f.box[1] + f.box[3]) * g.scaleY, 0), g.frameH);
    return { box: [x1, y1, x2 - x1, y2 - y1], score: f.score };
  }).filter((f) => f.box[2] > 0 && f.box[3] > 0);
}

/**
 * Matches faces by best IoU. Unmatched faces are allowed only within 0.01 of the threshold (a score
 * that rounds across it). Returns { minIoU, maxScoreDiff, matched, unmatched }.
 */
function matchFaces(ours, theirs, what) {
  const used = new Set();
  let minIoU = 1, maxScoreDiff = 0, matched = 0;
  const unmatched = [];
  for (const f of ours) {
    let best = -1, bestIoU = 0;
    theirs.forEach((t, i) => {
      const v = boxIoU(f.box, t.box);
      if (!used.has(i) && v > bestIoU) { best = i; bestIoU = v; }
    });
    if (best < 0 || bestIoU < 0.5) { unmatched.push(f); continue; }
    used.add(best);
    matched++;
    minIoU = Math.min(minIoU, bestIoU);
    maxScoreDiff = Math.max(maxScoreDiff, Math.abs(f.score - theirs[best].score));
  }
  theirs.forEach((t, i) => { if (!used.has(i)) unmatched.push(t); });
  for (const u of unmatched) assert.ok(Math.abs(u.score - THRESHOLD) < 0.01, `${what}: unmatched face with score ${u.score.toFixed(4)} at [${u.box.map((v) => v.toFixed(1))}]`);
  return { minIoU, maxScoreDiff, matched, unmatched: unmatched.length };
}

test('YuNet heads and faces match onnxruntime on webgpu, wasm and cpu; WebGPU matches CPU (race.jpg, person_cropped_2.png, video_01 frames)', { timeout: 600_000 }, async (t) => {
  const summary = [];
  for (const im of images) {
    const res = {};
    for (const backend of ['webgpu', 'wasm', 'cpu']) {
      res[backend] = await session.page.evaluate((b64, be) => window.detectorPage.inspect(b64, be), im.base64, backend);
    }
    const g = res.webgpu.geometry;
    const bgr = f32(res.webgpu.input); // [padH, padW, 3], what onnxruntime gets
    assert.equal(bgr.length, g.padW * g.padH * 3);
    // The tensor both backends built from the browser's decode: same within f32 resize rounding.
    const cpuInput = f32(res.cpu.input);
    let inDiff = 0;
    for (let i = 0; i < bgr.length; i++) inDiff = Math.max(inDiff, Math.abs(bgr[i] - cpuInput[i]));
    assert.ok(inDiff < 0.05, `${im.name}: WebGPU and CPU input tensors differ by ${inDiff}`);
    // Against ffmpeg's own decoding: BGR order, no scaling at these sizes, zero padding. PNG
    // decodes bit-exact; JPEG decoders may differ by a level or two.
    const ref = ffmpegBgr(im.file, { width: g.inW, height: g.inH });
    let sum = 0, worst = 0, pad = 0;
    for (let y = 0; y < g.padH; y++) {
      for (let x = 0; x < g.padW; x++) {
        const o = (y * g.padW + x) * 3;
        if (x >= g.inW || y >= g.inH) { pad = Math.max(pad, Math.abs(bgr[o]), Math.abs(bgr[o + 1]), Math.abs(bgr[o + 2])); continue; }
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(bgr[o + c] - ref.data[(y * g.inW + x) * 3 + c]);
          sum += d;
          worst = Math.max(worst, d);
        }
      }
    }
    const meanDiff = sum / (g.inW * g.inH * 3);
    assert.equal(pad, 0, `${im.name}: padding is not zero`);
    assert.ok(meanDiff < 1.5, `${im.name}: input tensor vs ffmpeg BGR: mean abs diff ${meanDiff}`);
    if (im.file.endsWith('.png') && g.scaleX === 1 && g.scaleY === 1) assert.ok(worst < 1e-3, `${im.name}: PNG input differs from ffmpeg's by ${worst}`);

    const ort = await oracle.run(bgr, g.padH, g.padW);
    const theirs = oracleFaces(ort, g);
    const row = { image: im.name, size: `${g.frameW}x${g.frameH}→${g.padW}x${g.padH}`, ort: theirs.length, inputMeanDiffVsFfmpeg: +meanDiff.toFixed(3) };
    for (const backend of ['webgpu', 'wasm', 'cpu']) {
      const heads = f32(res[backend].heads);
      const e = headErrors(heads, ort, g.padW, g.padH);
      for (const k of Object.keys(HEAD_ATOL)) assert.ok(e[k] <= HEAD_ATOL[k], `${im.name} ${backend}: ${k} head max abs error ${e[k]} > ${HEAD_ATOL[k]}`);
      const m = matchFaces(res[backend].faces, theirs, `${im.name} ${backend}`);
      if (m.matched) {
        assert.ok(m.minIoU >= MIN_IOU, `${im.name} ${backend}: IoU ${m.minIoU} < ${MIN_IOU}`);
        assert.ok(m.maxScoreDiff <= SCORE_ATOL, `${im.name} ${backend}: score diff ${m.maxScoreDiff}`);
      }
      Object.assign(row, {
        [`${backend}Faces`]: res[backend].faces.length,
        [`${backend}HeadErr`]: Object.fromEntries(Object.entries(e).map(([k, v]) => [k, +v.toExponential(2)])),
        [`${backend}MinIoU`]: +m.minIoU.toFixed(4),
        [`${backend}MaxScoreDiff`]: +m.maxScoreDiff.toExponential(2),
      });
    }
    // Our two backends: the same faces.
    const gc = matchFaces(res.webgpu.faces, res.cpu.faces, `${im.name} webgpu vs cpu`);
    assert.ok(!gc.matched || gc.minIoU >= 0.99, `${im.name}: WebGPU vs CPU IoU ${gc.minIoU}`);
    row.webgpuVsCpuMinIoU = +gc.minIoU.toFixed(5);
    summary.push(row);
    t.diagnostic(JSON.stringify(row));
  }
  const race = summary.find((r) => r.image === 'race.jpg');
  assert.ok(race.ort >= 8, `race.jpg: onnxruntime finds ${race.ort} faces, expected the runners (≥ 8)`);
  assert.equal(summary.find((r) => r.image === 'person_cropped_2.png').webgpuFaces, 1);
  for (const r of summary.filter((x) => x.image.startsWith('video_01'))) assert.ok(r.webgpuFaces >= 4, `${r.image}: ${r.webgpuFaces} faces`);
});

test('worker detect verb: same faces as the detector on the page, frame transferred', { timeout: 300_000 }, async (t) => {
  const race = images[0];
  const load = await session.page.evaluate(() => window.detectorPage.workerLoad({ backend: 'webgpu' }));
  assert.equal(load.backend, 'webgpu');
  assert.match(load.attribution, /Wei Wu, Hanyang Peng, Shiqi Yu.*Apache-2\.0/);
  const viaWorker = await session.page.evaluate((b64) => window.detectorPage.workerDetect(b64), race.base64);
  const direct = await session.page.evaluate((b64) => window.detectorPage.inspect(b64, 'webgpu'), race.base64);
  assert.equal(viaWorker.length, direct.faces.length);
  viaWorker.forEach((f, i) => {
    assert.ok(boxIoU(f.box, direct.faces[i].box) > 0.999, `face ${i}`);
    assert.equal(f.landmarks.length, 5);
    for (const [x, y] of f.landmarks) assert.ok(x >= 0 && y >= 0 && x <= 640 && y <= 428);
  });
  const strict = await session.page.evaluate((b64) => window.detectorPage.workerDetect(b64, { scoreThreshold: 0.95 }), race.base64);
  assert.ok(strict.length < viaWorker.length && strict.every((f) => f.score >= 0.95));
  t.diagnostic(`worker: ${viaWorker.length} faces on race.jpg (${strict.length} at score ≥ 0.95); ${load.reason}`);
});
