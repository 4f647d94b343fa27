// The service worker's half of the build: lists what dist/ holds (a glob over the folder, so the
// pages, bundles and weights other parts of the build add are picked up without a list here),
// hashes each file, bundles sw.js with that manifest inlined, and reports sizes.
//
//   node tools/precache.mjs [dist]     print the precache list and the sizes of an existing build
//
// Each entry is { url, revision, integrity }: `revision` (a content hash) makes Workbox cache the
// file under a new key whenever its bytes change, so a new build never reuses a stale copy, and
// `integrity` (SRI) makes the install fail rather than cache a file that changed on the server
// between the build and the download (a half-finished deploy). Rules, in order (docs/PWA.md):
//   - sw.js itself and source maps: never (the browser fetches sw.js itself; maps are for DevTools)
//   - *.onnx: no: the app runs the .safetensors; the ONNX exports are for other runtimes/benchmarks
//   - bench/: no: the #bench view, onnxruntime-web and TF.js (~30 MB with their .wasm) are a developer
//     tool loaded on demand, not something every install should download
//   - media (the sample clip): yes, under MAX_BYTES; the worker answers <video>'s byte-range
//     requests from the precached whole file (src/sw/sw.ts), so the clip plays offline too
//   - anything over MAX_BYTES: no (reported), so one large file cannot silently bloat the install
//   - everything else: yes
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Largest file precached. The biggest wanted one today is gender.safetensors (0.8 MB). */
export const MAX_BYTES = 5 * 1024 * 1024;

/** @param {string} url @param {number} size @returns {string | undefined} why `url` is not precached */
export function excluded(url, size) {
  if (url === 'sw.js') return 'the service worker itself';
  if (url.endsWith('.map')) return 'source map (DevTools only)';
  if (url.endsWith('.onnx')) return 'ONNX export (not used by the app)';
  if (url.startsWith('bench/')) return 'benchmark view and its runtimes (loaded on demand at #bench, online)';
  if (url.split('/').some((part) => part.startsWith('.'))) return 'hidden file';
  if (size > MAX_BYTES) return `over ${MAX_BYTES / 1024 / 1024} MiB`;
  return undefined;
}

/** Every file under `dir`, as '/'-separated paths relative to it, sorted. */
async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * @typedef {{ url: string, revision: string, integrity: string, size: number, gzip: number }} Entry
 * @typedef {{ url: string, size: number, why: string }} Skipped
 */

/**
 * The precache manifest of a built folder.
 * @param {string} dir
 * @returns {Promise<{ entries: Entry[], skipped: Skipped[] }>}
 */
export async function precacheManifest(dir) {
  const entries = [];
  const skipped = [];
  for (const url of await listFiles(dir)) {
    const bytes = await readFile(join(dir, url));
    const why = excluded(url, bytes.length);
    if (why) {
      skipped.push({ url, size: bytes.length, why });
      continue;
    }
    const sha = createHash('sha256').update(bytes).digest();
    entries.push({
      url,
      revision: sha.toString('hex').slice(0, 16),
      integrity: `sha256-${sha.toString('base64')}`,
      size: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
    });
  }
  return { entries, skipped };
}

/**
 * Bundles sw.js into `outdir`/sw.js with the manifest of everything else in `outdir`. Run it last:
 * the manifest is whatever the folder holds at that moment.
 * @param {string} outdir
 * @param {{ minify?: boolean }} [o]
 * @returns {Promise<{ entries: Entry[], skipped: Skipped[] }>}
 */
export async function buildServiceWorker(outdir, { minify = false } = {}) {
  const manifest = await precacheManifest(outdir);
  const inline = manifest.entries.map(({ url, revision, integrity }) => ({ url, revision, integrity }));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['sw.js'],
    outfile: join(outdir, 'sw.js'),
    bundle: true,
    // A classic script: module service workers are still missing in some browsers.
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify,
    legalComments: 'eof',
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
    // Workbox's production build: no debug logging in the worker.
    define: { __PRECACHE_MANIFEST__: JSON.stringify(inline), 'process.env.NODE_ENV': '"production"' },
  });
  return manifest;
}

const KIB = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** @param {string} url */
function kind(url) {
  if (/\.m?js$/.test(url)) return 'JS';
  if (url.endsWith('.wgsl')) return 'WGSL';
  if (/^weights\/[^/]+\.(safetensors|json)$/.test(url) && !url.endsWith('.card.json')) return 'weights';
  if (url.startsWith('weights/')) return 'model cards';
  if (/\.(html|css|webmanifest)$/.test(url)) return 'HTML/CSS/manifest';
  if (/\.(png|svg|webp|jpe?g|ico)$/.test(url)) return 'images';
  if (/\.(mp4|webm|mov|m4v|ogv|mp3|ogg|wav)$/i.test(url)) return 'media';
  return 'other';
}

/**
 * The build report: the precache list, totals by kind (raw and gzip), what was left out and the
 * size of sw.js. WGSL is inlined into the JS bundles (esbuild text loader) unless a part of the
 * build copies .wgsl files; then they get their own line.
 * @param {string} outdir
 * @param {{ entries: Entry[], skipped: Skipped[] }} manifest
 */
export async function formatReport(outdir, { entries, skipped }) {
  const lines = ['precache list (url, bytes, gzip bytes, revision):'];
  for (const e of entries) lines.push(`  ${e.url.padEnd(40)} ${String(e.size).padStart(9)} ${String(e.gzip).padStart(9)}  ${e.revision}`);
  const byKind = new Map();
  for (const e of entries) {
    const k = byKind.get(kind(e.url)) ?? { n: 0, size: 0, gzip: 0 };
    byKind.set(kind(e.url), { n: k.n + 1, size: k.size + e.size, gzip: k.gzip + e.gzip });
  }
  lines.push('precache totals:');
  for (const [k, v] of [...byKind].sort()) lines.push(`  ${k.padEnd(18)} ${String(v.n).padStart(3)} files ${KIB(v.size).padStart(12)} raw ${KIB(v.gzip).padStart(12)} gzip`);
  const total = entries.reduce((a, e) => ({ size: a.size + e.size, gzip: a.gzip + e.gzip }), { size: 0, gzip: 0 });
  lines.push(`  ${'total'.padEnd(18)} ${String(entries.length).padStart(3)} files ${KIB(total.size).padStart(12)} raw ${KIB(total.gzip).padStart(12)} gzip`);
  const swBytes = await readFile(join(outdir, 'sw.js')).catch(() => undefined);
  if (swBytes) lines.push(`  sw.js (not precached) ${KIB(swBytes.length)} raw ${KIB(gzipSync(swBytes, { level: 9 }).length)} gzip`);
  if (!byKind.has('WGSL')) lines.push('  WGSL: inlined into the JS bundles (no separate .wgsl files)');
  const notSw = skipped.filter((s) => s.url !== 'sw.js');
  if (notSw.length) {
    lines.push('not precached:');
    for (const s of notSw) lines.push(`  ${s.url.padEnd(40)} ${String(s.size).padStart(9)}  ${s.why}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? join(root, 'dist'));
  console.log(await formatReport(dir, await precacheManifest(dir)));
}
