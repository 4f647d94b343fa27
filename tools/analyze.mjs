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
//   a gender the model declines to judge is {"label": null, "probs", "reason": "child" | "unsure"}
//   (a face that looks under about 13, or a top probability under the weights' threshold);
//   {"file", "error"} when a file cannot be read, or a folder entry is a symbolic link loop, a dangling
//   link, unreadable, or not a regular file (a FIFO, socket or device: never opened for a blocking read); {"file", "frame", "error"} after the frames it did analyse when a video
//   stops part-way (decode error, stall). The run goes on with the next file; exit code 0 when
//   every input was processed, 1 when any failed, 2 for bad usage.
// Every wait has an end scaled by the media (`limits` below). A page that crashes or stalls is
// replaced by a fresh one (model loaded again); after a crash the file is tried once more, and a
// file that was not tried never gets a line.
// For clean JSON Lines on stdout use `npm run -s analyze -- …` (npm prints a banner otherwise) or --out.
// --annotate DIR writes DIR/<name>.png (photos) or DIR/<name>-<frame>.png (video frames) with the
// overlay drawn. stderr: progress and a summary.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { Cli, isMain } from './cli.mjs';
import { PageGone, PageTimeout } from './page-session.mjs';
import { readRegularFile, walkFiles } from './walk-files.mjs';
import { faceLine } from '../src/vision/face-line.js';

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
  if (values.annotate !== undefined && existsSync(values.annotate) && !statSync(values.annotate).isDirectory()) fail(`--annotate must be a folder, and ${values.annotate} is a file`);
  return { ...values, gender: !values['no-gender'], maxFrames, paths: positionals };
}

/** Photos or videos by extension, else undefined. */
const kindOf = (p) => {
  const ext = extname(p).toLowerCase();
  return IMAGE_EXT.has(ext) ? 'image' : VIDEO_EXT.has(ext) ? 'video' : undefined;
};

/**
 * Photos and videos under the given paths: [{ path, name, png, kind, error? }], sorted per folder.
 * Folder walks never throw (walk-files.mjs): a loop, a dangling link or an unreadable entry is an
 * item with an `error`, reported as one line.
 */
export async function listMedia(paths) {
  const out = [];
  for (const p of paths) {
    if (!existsSync(p)) fail(`no such file or folder: ${p}`);
    const s = await stat(p);
    if (!s.isDirectory()) {
      // Annotated PNGs are named after the path under the given folder, or the file's own name.
      out.push({ path: p, name: p, png: basename(p), kind: kindOf(p) ?? 'image' });
      continue;
    }
    const base = dirname(resolve(p));
    for (const f of await walkFiles(p, (q) => kindOf(q) !== undefined)) {
      const name = relative(base, resolve(f.path));
      out.push({ path: f.path, name, png: name, kind: kindOf(f.path) ?? 'folder', ...(f.error ? { error: f.error } : {}) });
    }
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

/** The JSON line's face (src/vision/face-line.js, which the page's timeline downloads use too). */
export { faceLine };

function pngName(name, frame) {
  const stem = name.replace(/[\\/]/g, '__').replace(/\.[^.]+$/, '');
  return frame === undefined ? `${stem}.png` : `${stem}-${String(frame).padStart(5, '0')}.png`;
}

/**
 * Time limits, scaled by the media, so that no wait is endless and none is a fixed number of
 * minutes: opening a file grows with its size, a seek with how long this video took to show its
 * first frame, a frame's analysis with the slowest frame seen so far in this run.
 */
export const limits = {
  imageMs: (bytes) => 60_000 + 4_000 * (bytes / 2 ** 20),
  openMs: (bytes) => 20_000 + 1_000 * (bytes / 2 ** 20),
  seekMs: (openMs) => 10_000 + 4 * openMs,
  frameMs: (slowestMs, first) => (first ? 120_000 : Math.max(30_000, 10 * slowestMs)),
};

/**
 * One file through the page: resolves to its output lines (and PNGs written), or to its lines so
 * far plus `failed` { frame, message } when a video stops part-way. Throws PageGone / PageTimeout
 * when the page crashes or stalls (the caller restarts it), or an Error for an unreadable photo.
 */
async function analyzeFile(session, m, args, timing) {
  const bytes = await readRegularFile(m.path); // a FIFO, socket or device: an error, never a wait
  // Served to the page from memory (cli.offer) until the file is done: never a base64 string.
  const source = cli.offer(bytes);
  try {
    return await analyzeServed(session, m, args, timing, source, bytes.length);
  } finally {
    cli.withdraw(source);
  }
}

/** analyzeFile once the file's bytes are served at `source`. */
async function analyzeServed(session, m, args, timing, source, size) {
  const lines = [];
  const opts = { gender: args.gender, annotate: Boolean(args.annotate) };
  const keep = async (frame, answer) => {
    lines.push({ file: m.name, frame, faces: answer.result.faces.map(faceLine), ms: answer.result.timings.total ?? 0 });
    if (answer.png) await writeFile(join(args.annotate, pngName(m.png, m.kind === 'video' ? frame : undefined)), Buffer.from(answer.png, 'base64'));
  };
  if (m.kind === 'image') {
    await keep(0, await session.call((b, n, o) => window.emolensAnalyze.image(b, n, o), [source, m.name, opts], { timeoutMs: limits.imageMs(size), what: `analysing ${m.name}` }));
    return { lines };
  }
  const v = await session.call((b, n, t) => window.emolensAnalyze.openVideo(b, n, t), [source, m.name, limits.openMs(size)], { timeoutMs: limits.openMs(size) + 5_000, what: `opening ${m.name}` });
  const probe = probeVideo(m.path);
  const fps = probe?.fps ?? 30;
  const total = Math.min(args.maxFrames, probe?.frames ?? Math.max(1, Math.floor((Number.isFinite(v.duration) ? v.duration : 0) * fps)));
  console.error(`${m.name}: ${v.width}x${v.height}, ${total} frames at ${fps.toFixed(2)} fps${probe ? '' : ' (assumed: no ffprobe)'}`);
  const seekMs = limits.seekMs(v.openMs);
  for (let i = 0; i < total; i++) {
    const time = Math.min((i + 0.5) / fps, Math.max(0, v.duration - 1e-3));
    const t0 = performance.now();
    try {
      const answer = await session.call((t, o, s) => window.emolensAnalyze.videoFrame(t, o, s), [time, { ...opts, reset: i === 0 }, seekMs],
        { timeoutMs: seekMs + limits.frameMs(timing.slowestMs, timing.frames === 0), what: `frame ${i} of ${m.name}` });
      timing.slowestMs = Math.max(timing.slowestMs, performance.now() - t0);
      timing.frames++;
      await keep(i, answer);
    } catch (e) {
      if (e instanceof PageGone || e instanceof PageTimeout) {
        // A stall: the lines so far stand; the page is replaced before the next file.
        if (e instanceof PageTimeout) return { lines, failed: { frame: i, total, message: e.message }, restart: true };
        throw e;
      }
      await session.call(() => window.emolensAnalyze.closeVideo(), [], { timeoutMs: 10_000, what: 'closing the video' }).catch(() => undefined);
      return { lines, failed: { frame: i, total, message: cli.oneLine(e) } };
    }
  }
  await session.call(() => window.emolensAnalyze.closeVideo(), [], { timeoutMs: 10_000, what: 'closing the video' });
  return { lines };
}

async function main() {
  const args = parse(process.argv.slice(2));
  const dist = cli.dist(args.dist);
  const media = await listMedia(args.paths);
  if (!media.length) fail(`no photos or videos in ${args.paths.join(', ')}`);
  if (args.annotate) await mkdir(args.annotate, { recursive: true });

  await cli.run({ dist, out: args.out }, async ({ session, write }) => {
    const stats = { files: 0, frames: 0, faces: 0, errors: 0, ms: 0 };
    const timing = { slowestMs: 0, frames: 0 };
    const info = await cli.load(session, 'pipeline', { backend: args.backend });
    const start = performance.now();
    const failed = async (m, error, frame) => {
      stats.errors++;
      console.error(`error: ${m.name}: ${error}`);
      await write({ file: m.name, ...(frame === undefined ? {} : { frame }), error });
    };
    let stopped;
    for (const m of media) {
      if (m.error) {
        stats.files++;
        await failed(m, m.error);
        continue;
      }
      let result;
      try {
        result = await session.runOnce(m.name, () => analyzeFile(session, m, args, timing));
      } catch (e) {
        stats.files++;
        if (e instanceof PageGone || e instanceof PageTimeout) await failed(m, `the page ${e.message} while analysing this file`);
        else await failed(m, m.kind === 'image' || e.code ? cli.oneLine(e) : `could not analyse the video: ${cli.oneLine(e)}`);
        if (session.dead) {
          stopped = `no new page could be started: ${cli.oneLine(session.dead)}`;
          break;
        }
        continue;
      }
      stats.files++;
      for (const { ms, ...line } of result.lines) {
        stats.frames++;
        stats.faces += line.faces.length;
        stats.ms += ms;
        await write(line);
      }
      if (result.failed) {
        const f = result.failed;
        await failed(m, `stopped at frame ${f.frame} of ${f.total}: ${f.message}`, f.frame);
        if (result.restart) {
          try {
            await session.restart();
          } catch {
            stopped = `no new page could be started: ${cli.oneLine(session.dead)}`;
            break;
          }
        }
      }
    }
    const s = (performance.now() - start) / 1000;
    if (stopped) console.error(`analyze: stopped (${stopped}); ${media.length - stats.files} files not tried, and no lines were written for them`);
    console.error(`summary: ${stats.files} files, ${stats.frames} frames, ${stats.faces} faces (${(stats.faces / Math.max(1, stats.frames)).toFixed(2)} per frame), ${stats.errors} errors in ${s.toFixed(1)} s (${(stats.frames / s).toFixed(2)} frames/s; pipeline ${(stats.ms / Math.max(1, stats.frames)).toFixed(0)} ms/frame)`);
    console.error(`summary: backend ${info.backend}${info.adapter ? ` (adapter ${info.adapter})` : ''}; gender ${args.gender ? 'on' : 'off'}${session.restarts ? `; page restarted ${session.restarts} time${session.restarts > 1 ? 's' : ''}` : ''}`);
    return stats.errors || stopped ? 1 : 0;
  });
}

if (isMain(import.meta.url)) await main();
