#!/usr/bin/env node
// Peak memory of a CLI on a folder of huge photos (issue 15: 300 photos of 9000×7000 stay under
// 1.5 GB). Makes its own input: one 9000×7000 JPEG (ffmpeg, Debian package), hard-linked N times
// into a temp folder; runs `node tools/<tool>.mjs --out … FOLDER` and samples, every 200 ms, the
// proportional set size (PSS, /proc/PID/smaps_rollup) of the CLI and every process under it (node,
// Chromium's browser, GPU, renderer and utility processes), summed: shared pages are counted once,
// split between their sharers, unlike summed RSS (also given). Prints one JSON object on stdout.
//
//   node tools/bench-memory.mjs [--tool classify|analyze] [--files 300] [--size 9000x7000]
//                               [--backend auto|webgpu|wasm|cpu] [--keep DIR]
//
// {"tool", "backend", "files", "size", "file_bytes", "exit_code", "lines", "errors", "seconds",
//  "peak_pss_mib", "peak_rss_mib", "samples"}. Build first (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
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

/** Summed Pss and Rss (kB) of `pids`, from smaps_rollup; processes that ended meanwhile count 0. */
export function memoryOf(pids) {
  let pss = 0;
  let rss = 0;
  for (const p of pids) {
    try {
      const t = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
      rss += Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return { pss, rss };
}

const dir = args.keep ?? (await mkdtemp(join(tmpdir(), 'emolens-bench-memory-')));
const photos = join(dir, 'photos');
await mkdir(photos, { recursive: true });
const first = join(photos, 'huge-0000.jpg');
const ff = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${args.size}`, '-frames:v', '1', '-q:v', '8', first]);
if (ff.status !== 0) {
  console.error(`bench-memory: ffmpeg (Debian package) could not make the test photo: ${ff.stderr}`);
  process.exit(1);
}
for (let i = 1; i < files; i++) await link(first, join(photos, `huge-${String(i).padStart(4, '0')}.jpg`)).catch((e) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
const fileBytes = (await stat(first)).size;
const out = join(dir, 'out.jsonl');
const toolArgs = [join(root, `tools/${args.tool}.mjs`), '--backend', args.backend, '--out', out, ...(args.tool === 'analyze' ? ['--no-gender'] : []), photos];

const t0 = performance.now();
const child = spawn(process.execPath, toolArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
let peak = { pss: 0, rss: 0 };
let samples = 0;
const timer = setInterval(() => {
  const m = memoryOf(processTree(child.pid));
  samples++;
  if (m.pss > peak.pss) peak = { ...peak, pss: m.pss };
  if (m.rss > peak.rss) peak = { ...peak, rss: m.rss };
}, 200);
const code = await new Promise((ok) => child.on('close', ok));
clearInterval(timer);
const seconds = (performance.now() - t0) / 1000;
const lines = (await readFile(out, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
if (!args.keep) await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  tool: args.tool,
  backend: args.backend,
  files,
  size: args.size,
  file_bytes: fileBytes,
  exit_code: code,
  lines: lines.length,
  errors: lines.filter((l) => l.error).length,
  seconds: Math.round(seconds * 10) / 10,
  peak_pss_mib: Math.round(peak.pss / 1024),
  peak_rss_mib: Math.round(peak.rss / 1024),
  samples,
}));
