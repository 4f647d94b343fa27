#!/usr/bin/env node
// Peak memory of a CLI on generated folders (issue 15: 300 photos of 9000×7000 stay under 1.5 GB;
// a 1,000-file folder of good, broken and huge images and videos runs to the end). Makes its own
// input in a temp folder, runs `node tools/<tool>.mjs --out … FOLDER` and samples, every 250 ms, the
// proportional set size (PSS, /proc/PID/smaps_rollup) of the CLI and every process under it (node,
// Chromium's browser, GPU, renderer and utility processes), summed: shared pages are counted once,
// split between their sharers, unlike summed RSS (also given). Prints one JSON object on stdout.
//
//   node tools/bench-memory.mjs [--tool classify|analyze] [--files 300] [--size 9000x7000]
//                               [--mixed] [--backend auto|webgpu|wasm|cpu] [--keep DIR]
//
// Default input: one WxH JPEG (ffmpeg, Debian package) hard-linked --files times. --mixed: a folder
// of --files entries mixing good photos (the golden faces the repository owns and a 640×480 frame
// of them, test/e2e/owned-images.mjs), 9000×7000 photos, truncated, empty and mislabelled photos,
// good, truncated and empty videos, a symbolic link loop, a dangling link and a FIFO.
// {"tool", "backend", "input", "files", "size", "exit_code", "lines", "files_with_lines",
//  "errors", "seconds", "peak_pss_mib", "peak_rss_mib", "peak_pss_mib_by_process", "samples"}.
// Build first (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './cli.mjs';

const { values: args } = parseArgs({
  options: {
    tool: { type: 'string', default: 'classify' },
    files: { type: 'string', default: '300' },
    size: { type: 'string', default: '9000x7000' },
    backend: { type: 'string', default: 'auto' },
    keep: { type: 'string' },
    mixed: { type: 'boolean', default: false },
  },
});
const files = Number(args.files);
if (!['classify', 'analyze'].includes(args.tool) || !(files >= 1) || !/^\d+x\d+$/.test(args.size)) {
  console.error('usage: node tools/bench-memory.mjs [--tool classify|analyze] [--files N] [--size WxH] [--backend B] [--keep DIR]');
  process.exit(2);
}

/** Every process under `pid` (itself included), from /proc's parent links. */
export function processTree(pid) {
  const children = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // ended meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

const kinds = new Map();
/** A process's kind: node, or Chromium's --type (browser when none). */
function kindOf(pid) {
  if (!kinds.has(pid)) {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    kinds.set(pid, !cmd.includes('chrom') ? 'node' : /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser');
  }
  return kinds.get(pid);
}

/**
 * Summed Pss and Rss (kB) of `pids`, from smaps_rollup, and Pss per process kind; processes that
 * ended meanwhile count 0.
 */
export function memoryOf(pids) {
  let pss = 0;
  let rss = 0;
  const byKind = {};
  for (const p of pids) {
    try {
      const t = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      const kb = Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
      pss += kb;
      rss += Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
      const kind = kindOf(p);
      byKind[kind] = (byKind[kind] ?? 0) + kb;
    } catch {
      // ended meanwhile
    }
  }
  return { pss, rss, byKind };
}

function ffmpeg(...a) {
  const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...a]);
  if (r.status !== 0) {
    console.error(`bench-memory: ffmpeg (Debian package) ${a.join(' ')}: ${r.stderr}`);
    process.exit(1);
  }
}

/** `count` hard links of `file` named `${stem}-NNNN${ext}` in `dir`. */
async function copies(file, dir, stem, ext, count) {
  for (let i = 0; i < count; i++) {
    await link(file, join(dir, `${stem}-${String(i).padStart(4, '0')}${ext}`)).catch((e) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
  }
}

/** N hard links of one WxH JPEG. */
async function hugePhotos(dir, n) {
  const first = join(dir, 'src-huge.jpg');
  ffmpeg('-f', 'lavfi', '-i', `testsrc=size=${args.size}`, '-frames:v', '1', '-q:v', '8', first);
  await mkdir(join(dir, 'photos'));
  await copies(first, join(dir, 'photos'), 'huge', '.jpg', n);
  return join(dir, 'photos');
}

/** A folder of n entries (see the header), about 2 % huge photos, 4 % videos, 4 % broken. */
async function mixedFolder(dir, n) {
  const { goldenFaces, encodePng, facesFrame, writeY4m } = await import('../test/e2e/owned-images.mjs');
  const src = join(dir, 'src');
  const f = join(dir, 'mixed');
  await mkdir(src);
  await mkdir(f);
  const faces = [...goldenFaces('emotion'), ...goldenFaces('gender')];
  const good = faces.map((face, i) => join(src, `face${i}.png`));
  for (const [i, face] of faces.entries()) await writeFile(good[i], encodePng(face.size, face.size, face.channels, face.pixels));
  const frame = facesFrame();
  good.push(join(src, 'frame.png'));
  await writeFile(good.at(-1), encodePng(frame.width, frame.height, 3, frame.rgb));
  ffmpeg('-i', good.at(-1), join(src, 'frame.jpg'));
  good.push(join(src, 'frame.jpg'));
  ffmpeg('-f', 'lavfi', '-i', `testsrc=size=${args.size}`, '-frames:v', '1', '-q:v', '8', join(src, 'huge.jpg'));
  await writeY4m(join(src, 'clip.y4m'), [0, 8, 16, 24, 32].map((shift) => facesFrame({ shift })), 5);
  ffmpeg('-i', join(src, 'clip.y4m'), '-pix_fmt', 'yuv420p', '-g', '5', '-movflags', '+faststart', join(src, 'clip.mp4'));
  const clip = await readFile(join(src, 'clip.mp4'));
  await writeFile(join(src, 'cut.mp4'), clip.subarray(0, clip.length >> 1));
  const jpeg = await readFile(join(src, 'frame.jpg'));
  await writeFile(join(src, 'cut.jpg'), jpeg.subarray(0, 300));
  await writeFile(join(src, 'empty.jpg'), '');
  await writeFile(join(src, 'empty.mp4'), '');
  await writeFile(join(src, 'text.png'), 'not a picture\n');
  const parts = [
    ['huge', '.jpg', join(src, 'huge.jpg'), Math.round(n * 0.02)],
    ['clip', '.mp4', join(src, 'clip.mp4'), Math.round(n * 0.02)],
    ['cut', '.mp4', join(src, 'cut.mp4'), Math.round(n * 0.01)],
    ['empty', '.mp4', join(src, 'empty.mp4'), Math.round(n * 0.01)],
    ['cut', '.jpg', join(src, 'cut.jpg'), Math.round(n * 0.01)],
    ['empty', '.jpg', join(src, 'empty.jpg'), Math.round(n * 0.01)],
    ['text', '.png', join(src, 'text.png'), Math.round(n * 0.01)],
  ];
  const odd = 3; // a link loop, a dangling link, a FIFO
  let rest = n - odd - parts.reduce((a, p) => a + p[3], 0);
  for (const [i, file] of good.entries()) {
    const count = i === good.length - 1 ? rest : Math.floor((n - odd) * 0.9 / good.length);
    parts.push([`good${i}`, file.slice(file.lastIndexOf('.')), file, count]);
    rest -= i === good.length - 1 ? 0 : count;
  }
  for (const [stem, ext, file, count] of parts) await copies(file, f, stem, ext, count);
  await symlink('.', join(f, 'loop'));
  await symlink('/nonexistent/emolens.jpg', join(f, 'dangling.jpg'));
  spawnSync('mkfifo', [join(f, 'fifo.jpg')]);
  return f;
}

const dir = args.keep ?? (await mkdtemp(join(tmpdir(), 'emolens-bench-memory-')));
await mkdir(dir, { recursive: true });
const photos = args.mixed ? await mixedFolder(dir, files) : await hugePhotos(dir, files);
const out = join(dir, 'out.jsonl');
const toolArgs = [join(root, `tools/${args.tool}.mjs`), '--backend', args.backend, '--out', out, ...(args.tool === 'analyze' ? ['--no-gender'] : []), photos];

const t0 = performance.now();
const child = spawn(process.execPath, toolArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
let peak = { pss: 0, rss: 0, byKind: {} };
let samples = 0;
// The process tree is re-read every 2 s (reading all of /proc costs CPU on a busy machine), the
// memory of the processes in it every 250 ms.
let tree = [child.pid];
let treeAt = 0;
const timer = setInterval(() => {
  if (performance.now() - treeAt > 2000) {
    tree = processTree(child.pid);
    treeAt = performance.now();
  }
  const m = memoryOf(tree);
  samples++;
  if (m.pss > peak.pss) peak = { ...peak, pss: m.pss, byKind: m.byKind };
  if (m.rss > peak.rss) peak = { ...peak, rss: m.rss };
}, 250);
const code = await new Promise((ok) => child.on('close', ok));
clearInterval(timer);
const seconds = (performance.now() - t0) / 1000;
const lines = (await readFile(out, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
if (!args.keep) await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  tool: args.tool,
  backend: args.backend,
  input: args.mixed ? 'mixed' : 'huge photos',
  files,
  size: args.size,
  exit_code: code,
  lines: lines.length,
  files_with_lines: new Set(lines.map((l) => l.file)).size,
  errors: lines.filter((l) => l.error).length,
  seconds: Math.round(seconds * 10) / 10,
  peak_pss_mib: Math.round(peak.pss / 1024),
  peak_rss_mib: Math.round(peak.rss / 1024),
  /** Pss per process kind at the peak of the sum. */
  peak_pss_mib_by_process: Object.fromEntries(Object.entries(peak.byKind).map(([k, v]) => [k, Math.round(v / 1024)])),
  samples,
}));
