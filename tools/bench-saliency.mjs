#!/usr/bin/env node
// Saliency cost: guided back-propagation (src/nn/saliency/saliency.ts) against the forward pass it extends,
// per backend and batch size, in headless Chromium (tools/browser.mjs, WebGPU on SwiftShader when
// there is no GPU). A script printing numbers, not a test.
//
//   node tools/bench-saliency.mjs [--model emotion|gender] [--batches 1,8] [--reps 15] [--backends webgpu,cpu] [--json]
//
// Builds src/headless/saliency-bench-page.ts into a temporary folder (with weights/), serves it, and
// prints per backend and batch the best (and median) ms per call of
//   forward        logits(): one forward pass of n crops
//   classify       classify(): forward of the n crops and their mirrors (flip TTA)
//   saliency       saliency({ flip: false }): forward (activations kept) + target + backward
//   saliency+flip  saliency() as the app calls it: + the mirrors' forward, probs = classify()'s
// and the ratios saliency / forward and saliency+flip / classify, from the best times (the least
// disturbed by other processes on a shared machine; medians in parentheses).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmKernelsEsbuild } from './wasm-kernels.mjs';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { forwardPageErrors, launchBrowser } from './browser.mjs';
import { serveStatic } from './serve.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'emotion' },
    batches: { type: 'string', default: '1,8' },
    reps: { type: 'string', default: '15' },
    backends: { type: 'string', default: 'webgpu,cpu' },
    json: { type: 'boolean', default: false },
  },
});
const batches = values.batches.split(',').map(Number);
const backends = values.backends.split(',');
if (!batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 64)) throw new Error('--batches: integers in 1..64');
if (!backends.every((b) => b === 'webgpu' || b === 'cpu')) throw new Error('--backends: webgpu and/or cpu');

const dir = await mkdtemp(join(tmpdir(), 'emolens-bench-saliency-'));
let browser, server;
try {
  await esbuild.build({
    absWorkingDir: root, entryPoints: { bench: 'src/headless/saliency-bench-page.ts' }, outdir: dir, bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', loader: { '.wgsl': 'text' }, plugins: [wasmKernelsEsbuild()], tsconfig: 'tsconfig.json', logLevel: 'warning',
  });
  await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>saliency bench</title><script type="module" src="bench.js"></script>\n');
  for (const ext of ['json', 'safetensors']) await cp(join(root, 'weights', `${values.model}.${ext}`), join(dir, 'weights', `${values.model}.${ext}`));
  server = await serveStatic({ root: dir });
  browser = await launchBrowser();
  const page = await browser.newPage();
  forwardPageErrors(page, '[bench page]');
  await page.goto(server.url);
  await page.waitForFunction(() => window.benchSaliency !== undefined);
  const report = await page.evaluate((o) => window.benchSaliency(o), { model: values.model, batches, reps: Number(values.reps), backends });
  if (values.json) {
    console.log(JSON.stringify(report));
  } else {
    console.log(`saliency cost, ${report.model} model, adapter ${report.adapter}, ${report.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''}`);
    console.log('ms per call, best (median)');
    console.log('backend  batch         forward        classify        saliency   saliency+flip   saliency/forward   (saliency+flip)/classify');
    const f = (t) => `${t.min.toFixed(1)} (${t.median.toFixed(1)})`.padStart(15);
    const ratio = (a, b) => `${(a.min / b.min).toFixed(2)} (${(a.median / b.median).toFixed(2)})`;
    for (const r of report.rows) {
      console.log(`${r.backend.padEnd(7)} ${String(r.batch).padStart(6)} ${f(r.forward)} ${f(r.classify)} ${f(r.saliency)} ${f(r.saliencyFlip)}   ${ratio(r.saliency, r.forward).padStart(16)}   ${ratio(r.saliencyFlip, r.classify).padStart(24)}`);
    }
  }
} finally {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
}
