// Builds the app into dist/ and, with --serve, serves it on localhost.
//
//   node esbuild.config.mjs                 build once
//   node esbuild.config.mjs --serve [--port N] [--watch]   build, serve dist/ (rebuild on change)
//   node esbuild.config.mjs --minify        smaller bundles
//
// Entry points (ESM, one bundle each, no shared chunks; the worker is loaded by URL from the
// page's bundle: new Worker(new URL('./inference.worker.js', import.meta.url), { type: 'module' })):
//   src/main.ts                     → dist/main.js               (index.html)
//   src/worker/inference.worker.ts  → dist/inference.worker.js
//   src/kernels/wasm/kernel.worker.ts → dist/kernel.worker.js   (the wasm kernels' thread pool)
//   src/headless/classify-page.ts         → dist/classify.js           (classify.html, used by the CLI)
//   src/headless/analyze-page.ts          → dist/analyze.js            (analyze.html: analyze CLI, pipeline bench)
// Static files: index.html, src/ui/{classify-page.html,analyze-page.html,page.css,icon.svg},
// the sample clip from the data folder (EMOLENS_DATA/media/video_01.mp4, when it is there; never
// committed) → dist/media/, weights/ → dist/weights/,
// src/ui/pwa/ (web app manifest, icons, screenshots) → dist/.
// Last: sw.js → dist/sw.js with the precache manifest of whatever dist/ then holds (tools/precache.mjs).
import * as esbuild from 'esbuild';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { copyBenchVendor } from './tools/bench-vendor.mjs';
import { dataPath, hasData } from './tools/data-dir.mjs';
import { buildServiceWorker, formatReport } from './tools/precache.mjs';
import { wasmKernelsEsbuild } from './tools/wasm-kernels.mjs';

const root = dirname(fileURLToPath(import.meta.url));

const STATIC = [
  ['index.html', 'index.html'],
  ['src/headless/classify-page.html', 'classify.html'],
  ['src/headless/analyze-page.html', 'analyze.html'],
  ['src/ui/app/page.css', 'page.css'],
  ['src/ui/app/icon.svg', 'icon.svg'],
  ['src/ui/pwa', '.'],
];

/** The sample clip in the data folder, or null when it is not there. */
export function sampleClipSource() {
  return hasData('media', 'video_01.mp4') ? dataPath('media', 'video_01.mp4') : null;
}

/** package.json's version and a digest of the sources, shaders and weights' JSON: changes with any build that could run differently. */
function appVersion() {
  const h = createHash('sha256');
  for (const dir of ['src', 'shaders', 'weights']) {
    for (const f of readdirSync(join(root, dir), { recursive: true }).map(String).sort()) {
      if (/\.(ts|wgsl|json)$/.test(f)) h.update(f).update(readFileSync(join(root, dir, f)));
    }
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return `${pkg.version}+${h.digest('hex').slice(0, 12)}`;
}

/** @param {string} outdir @param {boolean} minify @param {boolean} sampleClip */
function options(outdir, minify, sampleClip) {
  return {
    absWorkingDir: root,
    entryPoints: {
      main: 'src/main.ts',
      'inference.worker': 'src/worker/inference.worker.ts',
      // The wasm kernels' pool worker (threads): started by whichever worker runs a wasm plan.
      'kernel.worker': 'src/kernels/wasm/kernel.worker.ts',
      classify: 'src/headless/classify-page.ts',
      analyze: 'src/headless/analyze-page.ts',
      // The #bench view and its worker (onnxruntime-web, TF.js): loaded only when #bench is visited.
      'bench/bench': 'src/bench/view/emo-bench-view.ts',
      'bench/bench.worker': 'src/bench/bench.worker.ts',
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    minify,
    legalComments: 'eof',
    loader: { '.wgsl': 'text' },
    // src/ui/camera/sample-clip.ts: whether dist/media/ has the clip.
    // src/ui/camera/backend-memory.ts: a remembered backend choice is measured again under a new build.
    define: { __EMOLENS_SAMPLE_CLIP__: String(sampleClip), __EMOLENS_VERSION__: JSON.stringify(appVersion()) },
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
    // `emolens:kernels.wasm`: the AssemblyScript kernels, compiled and embedded in the bundles that use them.
    plugins: [wasmKernelsEsbuild()],
  };
}

/** Copies the static files, the sample clip (when there is one) and the weights next to the bundles. */
async function copyStatic(outdir, quiet, weightsDir = 'weights', sampleClip = null) {
  await copyBenchVendor(outdir);
  for (const [from, to] of STATIC) await cp(join(root, from), join(outdir, to), { recursive: true });
  await rm(join(outdir, 'media'), { recursive: true, force: true });
  if (sampleClip) {
    await mkdir(join(outdir, 'media'), { recursive: true });
    await cp(sampleClip, join(outdir, 'media', 'video_01.mp4'));
  } else if (!quiet) {
    console.error('note: no sample clip (EMOLENS_DATA/media/video_01.mp4 not found): the page offers the camera and the file picker only');
  }
  const weights = resolve(root, weightsDir);
  const files = existsSync(weights) ? (await readdir(weights)).filter((f) => !f.startsWith('.')) : [];
  await rm(join(outdir, 'weights'), { recursive: true, force: true });
  await mkdir(join(outdir, 'weights'), { recursive: true });
  for (const f of files) await cp(join(weights, f), join(outdir, 'weights', f), { recursive: true });
  if (!quiet && !files.some((f) => f.endsWith('.safetensors'))) {
    console.error('note: weights/ has no .safetensors yet: the app will report missing weights (npm run train:emotion)');
  }
}

/**
 * Builds the app. Reused by the classify CLI and the e2e tests.
 * @param {{ outdir?: string, minify?: boolean, quiet?: boolean, weights?: string, clean?: boolean, sampleClip?: string | null }} [o]
 *   weights: the folder copied to dist/weights/ (default weights/; the PWA update test swaps it)
 *   sampleClip: the clip copied to dist/media/ (default: the data folder's, if any; null: none)
 * @returns {Promise<string>} the absolute output folder
 */
export async function build({ outdir = 'dist', minify = false, quiet = false, weights = 'weights', clean = false, sampleClip = sampleClipSource() } = {}) {
  const out = resolve(root, outdir);
  // `npm run build` starts from an empty folder, so the service worker never precaches a file a
  // test tool left in dist/ (tests build in place: others may be serving the folder meanwhile).
  if (clean) await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const t0 = performance.now();
  await esbuild.build(options(out, minify, !!sampleClip));
  await copyStatic(out, quiet, weights, sampleClip);
  // Keep this step last: it precaches what is in dist/ now.
  const manifest = await buildServiceWorker(out, { minify });
  if (!quiet) {
    console.error(await formatReport(out, manifest));
    console.error(`built ${outdir}/ in ${Math.round(performance.now() - t0)} ms`);
  }
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      port: { type: 'string', default: process.env.PORT ?? '8000' },
      minify: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const out = await build({ minify: values.minify, quiet: values.quiet, clean: true });
  if (values.watch) {
    const ctx = await esbuild.context({
      ...options(out, values.minify, !!sampleClipSource()),
      plugins: [wasmKernelsEsbuild(), { name: 'static', setup: (b) => b.onEnd(async (r) => { if (!r.errors.length) { await copyStatic(out, true, 'weights', sampleClipSource()); await buildServiceWorker(out, { minify: values.minify }); console.error('rebuilt'); } }) }],
    });
    await ctx.watch();
  }
  if (values.serve) {
    const { serveStatic } = await import('./tools/serve.mjs');
    const server = await serveStatic({ root: out, port: Number(values.port), quiet: false, portTries: 10 });
    console.log(`emolens is served at ${server.url} (Ctrl+C to stop)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
