#!/usr/bin/env node
// Classifies images with the built app in headless Chromium, one JSON line per image.
//
//   npm run classify -- [--backend auto|webgpu|wasm|cpu] [--split Training|PublicTest|PrivateTest]
//                       [--split-file CSV --split NAME]
//                       [--out FILE.jsonl] [--model emotion|gender] [--batch 64] [--limit N]
//                       [--saliency DIR [--target predicted|CLASS] [--overlay-scale 4]] PATH
//
// PATH: an image, a folder of images (recursive) or a zip (read entry by entry, not extracted).
// The images go through the app's own path: dist/classify.html runs the same worker (weights
// loading, backend choice) and the same decodeImage + toGrayCrop as the file picker (toRgbCrop,
// 64×64 RGB, for --model gender: the centre square of the whole image, which for a UTKFace chip is
// the chip's own framing, as the model was trained).
// stdout (or --out): {"file": "test/angry/PrivateTest_1.jpg", "label": "<predicted>",
//   "probs": {"angry": …, …}, "expected": "<folder class>"}   (expected only when the path has
//   a FER-2013 class folder); an unreadable image gives {"file": …, "error": "…"}.
//   --model gender: "label"/"probs" over female, male; "expected" from a UTKFace file name
//   (<age>_<gender>_<race>_<date>.jpg.chip.jpg, gender field 0 = male, 1 = female).
// --split NAME: FER-2013 file-name prefix (Training, PublicTest, PrivateTest); with --split-file CSV
//   (header `file,split`, e.g. training/splits/utkface.csv) the files whose basename the CSV puts
//   in split NAME (e.g. --split-file training/splits/utkface.csv --split test).
// stderr: progress, then a summary (images, images/s, backend, accuracy against folder labels).
// Exit code 0 when every image was classified, 1 when any failed (after the rest), 2 for bad usage.
// For clean JSON Lines on stdout use `npm run -s classify -- …` (npm prints a banner otherwise) or --out.
// A folder walk never crashes (loops, dangling links, unreadable entries, FIFOs, sockets and devices:
// one error line each);
// memory is bounded (batches of at most 16 MiB of files, huge photos decoded scaled down: see
// classify-page.ts); a page crash retries the batch once in a fresh page, then its images alone.
// --saliency DIR: also guided back-propagation saliency (the worker's saliency verb, same backend)
//   of the predicted class or --target CLASS, written per image NAME (its file name without the
//   extension; the path relative to PATH, '/' → '_', where two inputs share a name) as
//   DIR/NAME.saliency.png (the raw map at model input size, |gradient| / max → 0..255 gray) and
//   DIR/NAME.overlay.png (Turbo heat map over the face crop, --overlay-scale × input size). The
//   PNGs are encoded in the page (OffscreenCanvas.convertToBlob). JSON lines gain "target",
//   "saliency" and "overlay" (the paths written).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { listInputs } from './classify-inputs.mjs';
import { Cli, isMain } from './cli.mjs';
import { PageGone, PageTimeout } from './page-session.mjs';
import { readRegularFile } from './walk-files.mjs';

const USAGE = `usage: npm run classify -- [--backend auto|webgpu|wasm|cpu] [--split Training|PublicTest|PrivateTest]
                            [--split-file CSV --split NAME]
                            [--out FILE.jsonl] [--model emotion|gender] [--batch 64] [--limit N]
                            [--saliency DIR [--target predicted|CLASS] [--overlay-scale 4]] PATH`;

/**
 * Output stems for the saliency PNGs: each input's file name without its extension, or, where two
 * inputs share one, its path with separators as '_'.
 */
export function saliencyStems(names) {
  const base = names.map((n) => basename(n, extname(n)));
  const count = new Map();
  for (const b of base) count.set(b, (count.get(b) ?? 0) + 1);
  return names.map((n, i) => (count.get(base[i]) > 1 ? n.slice(0, n.length - extname(n).length).replace(/[\\/:]+/g, '_').replace(/^_+/, '') : base[i]));
}

/** The FER-2013 class folder in a path ('test/angry/PrivateTest_1.jpg' → 'angry'), if any. */
export function folderLabel(name, classes) {
  const parts = name.split(/[\\/]/).slice(0, -1);
  for (let i = parts.length - 1; i >= 0; i--) if (classes.includes(parts[i])) return parts[i];
  return undefined;
}

/**
 * The gender in a UTKFace file name ('UTKFace/25_1_3_2017….jpg.chip.jpg' → 'female'): the second
 * '_'-separated field of the basename, 0 = male, 1 = female; undefined for other names.
 */
export function utkfaceLabel(name) {
  const base = name.split(/[\\/]/).pop();
  if (!/\.chip\.jpg$/i.test(base)) return undefined;
  const g = base.split('_')[1];
  return g === '0' ? 'male' : g === '1' ? 'female' : undefined;
}

/** The expected label of an input for a model's classes: a FER-2013 folder or a UTKFace name. */
export function expectedLabel(name, classes) {
  const folder = folderLabel(name, classes);
  if (folder) return folder;
  const g = utkfaceLabel(name);
  return g && classes.includes(g) ? g : undefined;
}

/** `file,split` CSV text → the set of basenames in `split`. */
export function splitNames(csv, split) {
  const names = new Set();
  const lines = csv.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const fi = header.indexOf('file'), si = header.indexOf('split');
  if (fi < 0 || si < 0) throw new Error('the split file needs a header with "file" and "split" columns');
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const cols = line.split(',');
    if (cols[si]?.trim() === split) names.add(cols[fi].trim());
  }
  return names;
}

const cli = new Cli('classify', USAGE, { html: 'classify.html', global: 'emolens' });
const fail = (message, code) => cli.fail(message, code);

function parse(argv) {
  const { values, positionals } = cli.parse(argv, {
    split: { type: 'string' },
    'split-file': { type: 'string' },
    model: { type: 'string', default: 'emotion' },
    batch: { type: 'string', default: '64' },
    limit: { type: 'string' },
    saliency: { type: 'string' },
    target: { type: 'string', default: 'predicted' },
    'overlay-scale': { type: 'string', default: '4' },
  }, 'one');
  if (!['emotion', 'gender'].includes(values.model)) fail(`--model must be emotion or gender, not ${values.model}`);
  if (values['split-file'] && !values.split) fail('--split-file needs --split NAME (e.g. test)');
  if (values.split && !values['split-file'] && !['Training', 'PublicTest', 'PrivateTest'].includes(values.split)) {
    fail(`--split must be Training, PublicTest or PrivateTest, not ${values.split}`);
  }
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1024) fail('--batch must be an integer in 1..1024');
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!(limit >= 0)) fail('--limit must be a number ≥ 0');
  const overlayScale = Number(values['overlay-scale']);
  if (!(overlayScale >= 1 && overlayScale <= 16)) fail('--overlay-scale must be a number in 1..16');
  if (values.saliency === '') fail('--saliency needs a folder');
  return { ...values, batch, limit, overlayScale, path: positionals[0] };
}

const round = (p) => Math.round(p * 1e6) / 1e6;

async function main() {
  const args = parse(process.argv.slice(2));
  const dist = cli.dist(args.dist);
  if (!existsSync(args.path)) fail(`no such file or folder: ${args.path}`);

  let splitKeep;
  if (args['split-file']) {
    let csv;
    try {
      csv = (await readRegularFile(args['split-file'])).toString('utf8');
      splitKeep = splitNames(csv, args.split);
    } catch (e) {
      fail(`could not read the split file ${args['split-file']}: ${e.message}`);
    }
    if (!splitKeep.size) fail(`no files with split ${args.split} in ${args['split-file']}`);
  }
  const input = await listInputs(args.path, { split: args.split && !splitKeep ? `${args.split}_` : undefined });
  const items = (splitKeep ? input.items.filter((it) => splitKeep.has(basename(it.name))) : input.items).slice(0, args.limit);
  if (!items.length) fail(`no images in ${args.path}${args.split ? ` with split ${args.split}` : ''}`);

  await cli.run({ dist, out: args.out, close: () => input.close() }, async ({ session, write }) => {
    const loaded = await cli.load(session, 'model', { model: args.model, backend: args.backend, maxBatch: args.batch, typicalBatch: Math.min(args.batch, items.length) });
    console.error(`classifying ${items.length} image${items.length === 1 ? '' : 's'} from ${args.path} in batches of ${args.batch}`);

    const classes = loaded.classes;
    let target = 'predicted';
    if (args.saliency) {
      if (args.target !== 'predicted') {
        target = /^\d+$/.test(args.target) ? Number(args.target) : classes.indexOf(args.target);
        if (!(target >= 0 && target < classes.length)) fail(`--target must be 'predicted' or one of ${classes.join(', ')} (or its index), not ${args.target}`);
      }
      await mkdir(args.saliency, { recursive: true });
      console.error(`saliency maps of the ${target === 'predicted' ? 'predicted class' : `class ${classes[target]}`} → ${args.saliency}/`);
    }
    const stems = new Map(saliencyStems(items.map((it) => it.name)).map((s, i) => [items[i].name, s]));
    const stats = { done: 0, errors: 0, labelled: 0, correct: 0, perClass: new Map() };
    const start = performance.now();
    let lastReport = start;
    const progress = (final = false) => {
      const s = (performance.now() - start) / 1000;
      const line = `${stats.done}/${items.length} images, ${(stats.done / Math.max(s, 1e-9)).toFixed(1)} images/s`;
      if (process.stderr.isTTY && !final) process.stderr.write(`\r${line}   `);
      else if (!final) console.error(line);
      else if (process.stderr.isTTY) process.stderr.write('\r');
    };

    /** The page's answers for `encoded` (one batch), within a time scaled by the batch. */
    const ask = (encoded) => {
      const mb = encoded.reduce((a, e) => a + e.bytes, 0) / 2 ** 20;
      const timeoutMs = 60_000 + 2_000 * encoded.length + 4_000 * mb + (args.saliency ? 1_000 * encoded.length : 0);
      return args.saliency
        ? session.call((imgs, o) => window.emolens.saliencyBatch(imgs, o), [encoded, { target, scale: args.overlayScale }], { timeoutMs, what: 'a batch' })
        : session.call((imgs) => window.emolens.classifyBatch(imgs), [encoded], { timeoutMs, what: 'a batch' });
    };

    /** The page's answers for one batch; after a page crash, its images one at a time. */
    async function askBatch(encoded) {
      try {
        return await session.runOnce(`a batch of ${encoded.length}`, () => ask(encoded));
      } catch (e) {
        if (!(e instanceof PageGone || e instanceof PageTimeout) || session.dead) throw e;
        console.error(`classify: the page ${e.message} on a batch; classifying its ${encoded.length} images one at a time`);
        const answers = [];
        for (const one of encoded) {
          try {
            answers.push((await ask([one]))[0]);
          } catch (e1) {
            if (!(e1 instanceof PageGone || e1 instanceof PageTimeout)) throw e1;
            answers.push({ error: `the page ${e1.message} on this image` });
            await session.restart();
          }
        }
        return answers;
      }
    }

    /**
     * Classifies one batch that has been read; resolves to its output lines. Never rejects for an
     * image: a page crash retries the batch once in a fresh page, then each image alone (one try
     * each), so only the images that were tried and failed get an error.
     */
    async function runBatch(read) {
      const toSend = read.filter((r) => r.bytes);
      // Each file is served to the page from memory (cli.offer); `bytes` only sizes the time limit.
      const encoded = toSend.map((r) => ({ name: r.name, source: cli.offer(r.bytes), bytes: r.bytes.length }));
      let answers = [];
      try {
        if (toSend.length) answers = await askBatch(encoded);
      } finally {
        cli.withdraw(...encoded.map((e) => e.source));
      }
      let j = 0;
      const out = read.map((r) => (r.bytes ? { name: r.name, ...answers[j++] } : r));
      if (args.saliency) {
        for (const r of out) {
          if (r.saliencyPng === undefined) continue;
          const stem = join(args.saliency, stems.get(r.name));
          r.saliencyFile = `${stem}.saliency.png`;
          r.overlayFile = `${stem}.overlay.png`;
          await writeFile(r.saliencyFile, Buffer.from(r.saliencyPng, 'base64'));
          await writeFile(r.overlayFile, Buffer.from(r.overlayPng, 'base64'));
        }
      }
      return out;
    }

    // Batches hold at most --batch images and BATCH_BYTES (16 MiB) of files, so a folder of huge photos
    // never has more than two batches' bytes in memory: the one in the page and the next, read
    // while the page works.
    let next = 0;
    const readBatch = async () => {
      const read = [];
      let bytes = 0;
      while (next < items.length && read.length < args.batch && bytes < BATCH_BYTES) {
        const it = items[next++];
        try {
          const b = await it.read();
          bytes += b.length;
          read.push({ name: it.name, bytes: b });
        } catch (e) {
          read.push({ name: it.name, error: e.message }); // one sentence naming the file (walk-files.mjs)
        }
      }
      return read;
    };
    let stopped;
    let pending = readBatch();
    for (;;) {
      const read = await pending;
      if (!read.length) break;
      pending = readBatch();
      let results;
      try {
        results = await runBatch(read);
      } catch (e) {
        stopped = cli.oneLine(session.dead ?? e);
        await pending;
        break;
      }
      for (const r of results) {
        const expected = expectedLabel(r.name, classes);
        if (r.error !== undefined) {
          stats.errors++;
          console.error(`error: ${r.name}: ${r.error}`);
          await write({ file: r.name, error: r.error, ...(expected ? { expected } : {}) });
        } else {
          let top = 0;
          for (let k = 1; k < r.probs.length; k++) if (r.probs[k] > r.probs[top]) top = k;
          const probs = Object.fromEntries(classes.map((c, k) => [c, round(r.probs[k])]));
          const sal = r.saliencyFile ? { target: classes[r.target], saliency: r.saliencyFile, overlay: r.overlayFile } : {};
          await write({ file: r.name, label: classes[top], probs, ...sal, ...(expected ? { expected } : {}) });
          if (expected) {
            stats.labelled++;
            const pc = stats.perClass.get(expected) ?? { n: 0, ok: 0 };
            pc.n++;
            if (classes[top] === expected) {
              stats.correct++;
              pc.ok++;
            }
            stats.perClass.set(expected, pc);
          }
        }
        stats.done++;
      }
      if (performance.now() - lastReport > 2000) {
        progress();
        lastReport = performance.now();
      }
    }
    progress(true);
    if (stopped) console.error(`classify: stopped (${stopped}); ${items.length - stats.done} images not tried, and no lines were written for them`);
    const s = (performance.now() - start) / 1000;
    const ok = stats.done - stats.errors;
    console.error(`summary: ${stats.done} images (${ok} classified, ${stats.errors} errors) in ${s.toFixed(1)} s: ${(stats.done / s).toFixed(1)} images/s`);
    console.error(`summary: backend ${loaded.backend}${loaded.adapter ? ` (adapter ${loaded.adapter})` : ''}: ${loaded.reason}`);
    if (stats.labelled) {
      const per = classes
        .filter((c) => stats.perClass.has(c))
        .map((c) => `${c} ${((100 * stats.perClass.get(c).ok) / stats.perClass.get(c).n).toFixed(1)}%`)
        .join(', ');
      const source = args.model === 'gender' ? 'file-name labels' : 'folder labels';
      console.error(`summary: accuracy against ${source} ${((100 * stats.correct) / stats.labelled).toFixed(2)}% (${stats.correct}/${stats.labelled}); per class: ${per}`);
    }
    return stats.errors || stopped ? 1 : 0;
  });
}

/** The file bytes of one batch at most (see readBatch). */
const BATCH_BYTES = 16 * 2 ** 20;

if (isMain(import.meta.url)) await main();
