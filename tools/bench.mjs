#!/usr/bin/env node
// Benchmarks emolens against onnxruntime-web and TensorFlow.js in headless Chromium, through the
// built app's own bench view (dist/index.html#bench → <emo-bench-view>, dist/bench/bench.worker.js).
//
//   npm run bench -- [--json] [--quick] [--batches 1,8,32] [--threads N] [--no-kernels] [--no-roofline] [--no-peers] [--no-saliency] [--no-detector] [--wasm-only] [--prototypes]
//                    [--out FILE.json] [--png FILE.png] [--no-build] [--dist DIR]
//
// --wasm-only: only the wasm runtimes (emolens wasm is then the others' reference): single- vs multi-thread runs in minutes.
// --dist: build into (or with --no-build, serve) DIR instead of dist/ (a private copy while others rebuild dist/).
//
// stdout: the text tables, or with --json one JSON object (src/bench/report.ts BenchReport):
//   {"adapter": {...}, "results": [...], "kernels": [...], "roofline": {...}, "meta": {...}}
// stderr: progress. --out also writes the JSON to a file, --png the bar chart.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from '../esbuild.config.mjs';
import { forwardPageErrors, launchBrowser } from './browser.mjs';
import { serveStatic } from './serve.mjs';
import { dataPath, hasData, missingDataMessage } from './data-dir.mjs';
import { dynamicYunetModel } from './yunet-oracle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run bench -- [--json] [--quick] [--batches 1,8,32] [--threads N] [--no-kernels] [--no-roofline] [--no-peers] [--no-saliency] [--no-detector] [--wasm-only] [--prototypes] [--out FILE.json] [--png FILE.png] [--no-build] [--dist DIR]';

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      batches: { type: 'string' },
      threads: { type: 'string', default: '1' },
      'no-kernels': { type: 'boolean', default: false },
      'no-roofline': { type: 'boolean', default: false },
      'no-peers': { type: 'boolean', default: false },
      'no-saliency': { type: 'boolean', default: false },
      'no-detector': { type: 'boolean', default: false },
      'wasm-only': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      prototypes: { type: 'boolean', default: false },
      dist: { type: 'string', default: 'dist' },
      out: { type: 'string' },
      png: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  let batches;
  if (values.batches) {
    batches = values.batches.split(',').map(Number);
    if (!batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 256)) throw new Error('--batches: integers in 1..256, comma-separated');
  }
  const threads = Number(values.threads);
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new Error('--threads: an integer in 1..64');
  return { ...values, batches, threads };
}

/**
 * Runs the benchmark; resolves to { report, text, png? } (png: a Buffer when `png` is asked for).
 * @param {{ quick?: boolean, batches?: number[], kernels?: boolean, roofline?: boolean, peers?: boolean,
 *           saliency?: boolean, prototypes?: boolean, png?: boolean, build?: boolean, dist?: string, onProgress?: (p: {fraction: number, message: string}) => void }} o
 */
export async function runBenchmark(o = {}) {
  const outdir = o.dist ?? 'dist';
  const dist = o.build === false ? resolve(root, outdir) : await build({ outdir, quiet: true });
  // The detector rows' peer: OpenCV zoo's YuNet ONNX from the data folder (never in the app or its precache).
  const onnx = ['models', 'face_detection_yunet_2023mar.onnx'];
  if (hasData(...onnx)) {
    await mkdir(join(dist, 'bench'), { recursive: true });
    await writeFile(join(dist, 'bench', 'yunet.onnx'), dynamicYunetModel(dataPath(...onnx)));
  } else if (o.detector !== false && o.peers !== false) {
    console.error(`bench: the onnxruntime-web yunet row is skipped: ${missingDataMessage(...onnx)}`);
  }
  const server = await serveStatic({ root: dist });
  const browser = await launchBrowser();
  const loadBefore = loadavg()[0];
  try {
    const page = await browser.newPage();
    forwardPageErrors(page, '[bench page]');
    await page.exposeFunction('__benchProgress', (p) => o.onProgress?.(p));
    await page.goto(`${server.url}#bench`);
    await page.waitForFunction(() => customElements.get('emo-bench-view') && document.querySelector('emo-bench-view'), { timeout: 60_000 });
    const options = { quick: o.quick ?? false, batches: o.batches, threads: o.threads ?? 1, kernels: o.kernels ?? true, roofline: o.roofline ?? true, peers: o.peers ?? true, saliency: o.saliency ?? true, detector: o.detector ?? true, wasmOnly: o.wasmOnly ?? false, prototypes: o.prototypes ?? false };
    // The run outlasts any single DevTools call (a full run on a loaded software adapter can take
    // over 10 minutes), so the page starts it and reports back through exposed functions.
    let settle;
    const done = new Promise((ok, fail) => (settle = { ok, fail }));
    await page.exposeFunction('__benchDone', (text) => settle.ok(text));
    await page.exposeFunction('__benchFail', (message) => settle.fail(new Error(message)));
    await page.evaluate((opts) => {
      const view = document.querySelector('emo-bench-view');
      view.addEventListener('emo-bench-progress', (e) => window.__benchProgress(e.detail));
      view.run(opts).then(() => window.__benchDone(view.summaryText()), (e) => window.__benchFail(String(e?.message ?? e)));
    }, options);
    const text = await done;
    const report = await page.evaluate(() => document.querySelector('emo-bench-view').report);
    // The machine's 1-minute load average before and after: other jobs on shared cores slow a
    // software adapter most, so a run is only comparable with one taken under similar load.
    report.meta.host_load_avg = [loadBefore, loadavg()[0]].map((x) => Math.round(x * 100) / 100);
    let png;
    if (o.png) {
      png = await page.evaluate(async () => {
        const blob = await document.querySelector('emo-bench-view').chartPng();
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(s);
      });
    }
    return { report, text, png: png ? Buffer.from(png, 'base64') : undefined };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main() {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  let last = '';
  const { report, text, png } = await runBenchmark({
    quick: args.quick,
    batches: args.batches,
    threads: args.threads,
    kernels: !args['no-kernels'],
    roofline: !args['no-roofline'],
    peers: !args['no-peers'],
    saliency: !args['no-saliency'],
    detector: !args['no-detector'],
    wasmOnly: args['wasm-only'],
    prototypes: args.prototypes,
    build: !args['no-build'],
    dist: args.dist,
    png: Boolean(args.png),
    onProgress: (p) => {
      if (p.message !== last) console.error(`[${String(Math.round(p.fraction * 100)).padStart(3)}%] ${p.message}`);
      last = p.message;
    },
  });
  if (args.out) await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  if (args.png && png) await writeFile(args.png, png);
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else console.log(text);
  const bad = report.results.filter((r) => r.error);
  for (const r of bad) console.error(`bench: ${r.runtime} ${r.backend} batch ${r.batch}: ${r.error}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`bench: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
