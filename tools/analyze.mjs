#!/usr/bin/env node
// Finds faces and their emotion (and gender) in photos and videos with the built app in headless
// Chromium: the same worker pipeline as the camera view (detect → crops → emotion (+ gender) →
// tracker), one JSON line per image or video frame.
//
//   npm run analyze -- [--out FILE.jsonl] [--annotate DIR] [--no-gender] [--backend auto|webgpu|wasm|cpu]
//                      [--max-frames N] PATH...
//
// PATH: photos, videos, or folders of them (searched recursively). Videos are decoded in the page
// (HTMLVideoElement, seeked to each frame; the frame rate comes from Debian's ffprobe when it is
// there, else 30 fps is assumed); their faces keep track ids across frames, photos start afresh.
// stdout (or --out): {"file", "frame", "faces": [{"box", "score", "landmarks", "track",
//   "emotion": {"label", "probs"}, "gender": {"label", "probs"}}]}; "faces": [] when none are found;
//   {"file", "error"} when a file cannot be read (the run goes on, exit code 1 at the end).
// --annotate DIR writes DIR/<name>.png (photos) or DIR/<name>-<frame>.png (video frames) with the
// overlay drawn. stderr: progress and a summary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { Cli, isMain, pageErrorText } from './cli.mjs';

const USAGE = `usage: npm run analyze -- [--out FILE.jsonl] [--annotate DIR] [--no-gender] [--backend auto|webgpu|wasm|cpu]
                           [--max-frames N] PATH...`;
export const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.gif', '.avif']);
export const VIDEO_EXT = new Set(['.mp4', '.webm', '.mov', '.m4v', '.mkv', '.ogv']);

const cli = new Cli('analyze', USAGE, { html: 'analyze.html', global: 'emolensAnalyze' });
const fail = (message, code) => cli.fail(message, code);

function parse(argv) {
  const { values, positionals } = cli.parse(argv, {
    annotate: { type: 'string' },
    'no-gender': { type: 'boolean', default: false },
    'max-frames': { type: 'string' },
  }, 'some');
  const maxFrames = values['max-frames'] === undefined ? Infinity : Number(values['max-frames']);
  if (!(maxFrames >= 1)) fail('--max-frames must be a number ≥ 1');
  return { ...values, gender: !values['no-gender'], maxFrames, paths: positionals };
}

/** Photos and videos under the given paths: [{ path, name, kind }], sorted per folder. */
export async function listMedia(paths) {
  const out = [];
  async function walk(p, base) {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const e of (await readdir(p)).sort()) await walk(join(p, e), base);
      return;
    }
    const ext = extname(p).toLowerCase();
    const kind = IMAGE_EXT.has(ext) ? 'image' : VIDEO_EXT.has(ext) ? 'video' : undefined;
    // Annotated PNGs are named after the path under the given folder, or the file's own name.
    if (kind) out.push({ path: p, name: base ? relative(base, p) : p, png: base ? relative(base, p) : basename(p), kind });
  }
  for (const p of paths) {
    if (!existsSync(p)) fail(`no such file or folder: ${p}`);
    const s = await stat(p);
    await walk(p, s.isDirectory() ? dirname(resolve(p)) : undefined);
  }
  return out;
}

/** Frame rate and frame count from ffprobe, or undefined when there is no ffprobe. */
export function probeVideo(path) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=r_frame_rate,nb_read_packets', '-of', 'json', path], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return undefined;
  try {
    const s = JSON.parse(r.stdout).streams?.[0];
    const [num, den] = String(s.r_frame_rate).split('/').map(Number);
    const fps = den ? num / den : num;
    const frames = Number(s.nb_read_packets);
    return fps > 0 ? { fps, frames: frames > 0 ? frames : undefined } : undefined;
  } catch {
    return undefined;
  }
}

const r4 = (v) => Math.round(v * 1e4) / 1e4;
const r2 = (v) => Math.round(v * 100) / 100;

/** The JSON line's face: rounded numbers, contract field order. */
export function faceLine(f) {
  const probs = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, r4(v)]));
  return {
    box: f.box.map(r2),
    score: r4(f.score),
    landmarks: f.landmarks.map((p) => p.map(r2)),
    track: f.track,
    emotion: { label: f.emotion.label, probs: probs(f.emotion.probs) },
    ...(f.gender ? { gender: { label: f.gender.label, probs: probs(f.gender.probs) } } : {}),
  };
}

function pngName(name, frame) {
  const stem = name.replace(/[\\/]/g, '__').replace(/\.[^.]+$/, '');
  return frame === undefined ? `${stem}.png` : `${stem}-${String(frame).padStart(5, '0')}.png`;
}

async function main() {
  const args = parse(process.argv.slice(2));
  const dist = cli.dist(args.dist);
  const media = await listMedia(args.paths);
  if (!media.length) fail(`no photos or videos in ${args.paths.join(', ')}`);
  if (args.annotate) await mkdir(args.annotate, { recursive: true });

  await cli.run({ dist, out: args.out }, async ({ page, write }) => {
    let exitCode = 0;
    const stats = { files: 0, frames: 0, faces: 0, errors: 0, ms: 0 };
    const info = await cli.load(page, 'pipeline', { backend: args.backend });
    const start = performance.now();
    for (const m of media) {
      stats.files++;
      const emit = async (frame, answer) => {
        stats.frames++;
        stats.faces += answer.result.faces.length;
        stats.ms += answer.result.timings.total ?? 0;
        await write({ file: m.name, frame, faces: answer.result.faces.map(faceLine) });
        if (answer.png) await writeFile(join(args.annotate, pngName(m.png, m.kind === 'video' ? frame : undefined)), Buffer.from(answer.png, 'base64'));
      };
      try {
        const base64 = (await readFile(m.path)).toString('base64');
        const opts = { gender: args.gender, annotate: Boolean(args.annotate) };
        if (m.kind === 'image') {
          await emit(0, await page.evaluate((b, n, o) => window.emolensAnalyze.image(b, n, o), base64, m.name, opts));
        } else {
          const v = await page.evaluate((b, n) => window.emolensAnalyze.openVideo(b, n), base64, m.name);
          const probe = probeVideo(m.path);
          const fps = probe?.fps ?? 30;
          const total = Math.min(args.maxFrames, probe?.frames ?? Math.max(1, Math.floor(v.duration * fps)));
          console.error(`${m.name}: ${v.width}x${v.height}, ${total} frames at ${fps.toFixed(2)} fps${probe ? '' : ' (assumed: no ffprobe)'}`);
          for (let i = 0; i < total; i++) {
            const time = Math.min((i + 0.5) / fps, Math.max(0, v.duration - 1e-3));
            await emit(i, await page.evaluate((t, o) => window.emolensAnalyze.videoFrame(t, o), time, { ...opts, reset: i === 0 }));
          }
          await page.evaluate(() => window.emolensAnalyze.closeVideo());
        }
      } catch (e) {
        stats.errors++;
        exitCode = 1;
        const error = pageErrorText(e);
        console.error(`error: ${m.name}: ${error}`);
        await write({ file: m.name, error });
      }
    }
    const s = (performance.now() - start) / 1000;
    console.error(`summary: ${stats.files} files, ${stats.frames} frames, ${stats.faces} faces (${(stats.faces / Math.max(1, stats.frames)).toFixed(2)} per frame), ${stats.errors} errors in ${s.toFixed(1)} s (${(stats.frames / s).toFixed(2)} frames/s; pipeline ${(stats.ms / Math.max(1, stats.frames)).toFixed(0)} ms/frame)`);
    console.error(`summary: backend ${info.backend}${info.adapter ? ` (adapter ${info.adapter})` : ''}; gender ${args.gender ? 'on' : 'off'}`);
    return exitCode;
  });
}

if (isMain(import.meta.url)) await main();
