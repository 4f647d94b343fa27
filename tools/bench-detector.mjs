#!/usr/bin/env node
// Times the YuNet detector per 640x480 frame of EMOLENS_DATA/media/video_01.mp4 on each backend in
// headless Chromium (here WebGPU runs on SwiftShader), and counts the faces each backend and
// onnxruntime (the original ONNX file, tools/yunet-oracle.mjs) find on race.jpg.
//
//   node tools/bench-detector.mjs [--frames 8] [--reps 2] [--worker]
//
// --frames N   video frames to time (spread over the clip, extracted with Debian's ffmpeg)
// --reps R     passes over the frames per backend (after one warm-up frame)
// --worker     also time the worker's detect verb (a frame decoded and transferred per call)
// --profile    print the WebGPU plan's per-dispatch times for one 640x480 frame
// Media: CC BY 2.0, video_01.mp4 © 2012 Aaron "tango" Tang, race.jpg © 2014 Peter Mooney.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from '../esbuild.config.mjs';
import { openDetectorPage } from './detector-page.mjs';
import { ffmpegBgr, loadYunetOracle, opencvPostProcess, padBgr } from './yunet-oracle.mjs';
import { dataFileOrExit } from './data-dir.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The data folder's clip and photo, and the original YuNet file for the onnxruntime row.
const MEDIA = dirname(dataFileOrExit('media', 'video_01.mp4'));
dataFileOrExit('media', 'race.jpg');
dataFileOrExit('models', 'face_detection_yunet_2023mar.onnx');

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '8' },
    reps: { type: 'string', default: '2' },
    worker: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const nFrames = Number(values.frames), reps = Number(values.reps);

const dir = await mkdtemp(join(tmpdir(), 'emolens-bench-'));
const frames = [];
for (let i = 0; i < nFrames; i++) {
  const n = Math.round((i * 89) / Math.max(1, nFrames - 1));
  const out = join(dir, `f${n}.png`);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(MEDIA, 'video_01.mp4'), '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr}`);
  frames.push((await readFile(out)).toString('base64'));
}
const race = (await readFile(join(MEDIA, 'race.jpg'))).toString('base64');

await build({ quiet: true });
const session = await openDetectorPage(join(root, 'dist'));
const rows = [];
try {
  const { page } = session;
  for (const backend of ['webgpu', 'cpu']) {
    const r = await page.evaluate((f, b, n) => window.detectorPage.bench(f, b, n), frames, backend, reps);
    const raceFaces = (await page.evaluate((im, b) => window.detectorPage.inspect(im, b), race, backend)).faces.length;
    rows.push({ backend: `${backend} (page)`, ms: r.ms, faces: r.faces, raceFaces });
  }
  if (values.worker) {
    for (const backend of ['webgpu', 'cpu']) {
      const load = await page.evaluate((b) => window.detectorPage.workerLoad({ backend: b }), backend);
      const r = await page.evaluate((f, n) => window.detectorPage.workerBench(f, n), frames, reps);
      rows.push({ backend: `${load.backend} (worker)`, ms: r.ms, faces: r.faces, raceFaces: (await page.evaluate((im) => window.detectorPage.workerDetect(im), race)).length });
    }
    const auto = await page.evaluate(() => window.detectorPage.workerLoad({ backend: 'auto' }));
    console.log(`worker 'auto': ${auto.reason}`);
  }
  if (values.profile) {
    const prof = await page.evaluate((f) => window.detectorPage.profile(f), frames[0]);
    for (const p of prof) console.log(`  ${p.name.padEnd(36)} ${p.ms.toFixed(2)} ms`);
    console.log(`  ${'sum'.padEnd(36)} ${prof.reduce((a, p) => a + p.ms, 0).toFixed(1)} ms`);
  }
} finally {
  await session.close();
  await rm(dir, { recursive: true, force: true });
}

const oracle = await loadYunetOracle();
const { tensor, padW, padH } = padBgr(ffmpegBgr(join(MEDIA, 'race.jpg')));
const ortFaces = opencvPostProcess(await oracle.run(tensor, padH, padW), padW, padH, { scoreThreshold: 0.6, nmsThreshold: 0.3, topK: 50 }).length;
await oracle.release();

console.log(`YuNet, ${nFrames} frames of video_01.mp4 (640x480) x ${reps} passes, score ≥ 0.6:`);
for (const r of rows) {
  console.log(`  ${r.backend.padEnd(16)} ${r.ms.toFixed(1).padStart(7)} ms/frame   faces per frame ${Math.min(...r.faces)}-${Math.max(...r.faces)}   race.jpg: ${r.raceFaces} faces`);
}
console.log(`  onnxruntime-node (CPU, same file)                      race.jpg: ${ortFaces} faces`);
