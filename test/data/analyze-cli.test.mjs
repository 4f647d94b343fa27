// `npm run analyze`: race.jpg's faces as JSON lines with the contract's fields, an empty face list
// for a blank image, --no-gender, --annotate PNGs, a few frames of a video with track ids.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureBuilt, parseJsonl, runTool, tempDir } from '../e2e/helpers.mjs';
import { useData } from './data-folder.mjs';

const [MEDIA] = useData(import.meta, ['media', 'race.jpg'], ['media', 'video_01.mp4']).map(dirname);
let dir;

const runAnalyze = (args) => runTool('analyze', args);

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-analyze-');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=200x150', '-frames:v', '1', join(dir, 'blank.png')]);
  assert.equal(r.status, 0, String(r.stderr));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('analyze race.jpg + a blank image: one line each, faces with box/score/landmarks/track/emotion/gender; PNGs', async () => {
  const ann = join(dir, 'ann');
  const { code, stdout, stderr } = await runAnalyze(['--annotate', ann, join(MEDIA, 'race.jpg'), join(dir, 'blank.png')]);
  assert.equal(code, 0, stderr);
  const lines = parseJsonl(stdout);
  assert.equal(lines.length, 2);
  const [race, blank] = lines;
  assert.match(race.file, /race\.jpg$/);
  assert.equal(race.frame, 0);
  assert.ok(race.faces.length >= 6, `${race.faces.length} faces`);
  for (const f of race.faces) {
    assert.equal(f.box.length, 4);
    assert.ok(f.score >= 0.6 && f.score <= 1);
    assert.equal(f.landmarks.length, 5);
    assert.ok(Number.isInteger(f.track));
    assert.equal(Object.keys(f.emotion.probs).length, 7);
    assert.ok(Math.abs(Object.values(f.emotion.probs).reduce((a, b) => a + b) - 1) < 1e-3);
    assert.ok(['female', 'male'].includes(f.gender.label));
  }
  assert.deepEqual(blank.faces, []);
  assert.deepEqual((await readdir(ann)).sort(), ['blank.png', 'race.png']);
  assert.match(stderr, /summary: 2 files, 2 frames/);
});

test('analyze --no-gender on 3 video frames: no gender field, ids carried across frames', async () => {
  const { code, stdout, stderr } = await runAnalyze(['--no-gender', '--max-frames', '3', join(MEDIA, 'video_01.mp4')]);
  assert.equal(code, 0, stderr);
  const lines = parseJsonl(stdout);
  assert.deepEqual(lines.map((l) => l.frame), [0, 1, 2]);
  assert.ok(lines.every((l) => l.faces.length > 0 && l.faces.every((f) => f.gender === undefined)));
  const first = new Set(lines[0].faces.map((f) => f.track));
  assert.ok(lines[2].faces.filter((f) => first.has(f.track)).length >= 2, 'tracks persist');
});

test('analyze: an unreadable file gives an error line and exit code 1, the others still run', async () => {
  const bad = join(dir, 'broken.jpg');
  spawnSync('sh', ['-c', `printf 'not a jpeg' > '${bad}'`]);
  const { code, stdout } = await runAnalyze([bad, join(dir, 'blank.png')]);
  assert.equal(code, 1);
  const lines = parseJsonl(stdout);
  assert.match(lines[0].error, /could not decode/);
  assert.deepEqual(lines[1].faces, []);
});

test('analyze --backend wasm (our WebAssembly kernels) finds the faces and emotions the TypeScript reference (--backend cpu) finds', async () => {
  const run = async (backend) => {
    const r = await runAnalyze(['--backend', backend, join(MEDIA, 'race.jpg')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`backend: ${backend} \\(`));
    return parseJsonl(r.stdout)[0].faces;
  };
  const [wasm, cpu] = [await run('wasm'), await run('cpu')];
  assert.ok(wasm.length >= 6, `${wasm.length} faces`);
  assert.equal(wasm.length, cpu.length);
  wasm.forEach((f, i) => {
    f.box.forEach((v, k) => assert.ok(Math.abs(v - cpu[i].box[k]) < 0.5, `face ${i} box ${f.box} vs ${cpu[i].box}`));
    assert.equal(f.emotion.label, cpu[i].emotion.label);
    for (const [k, p] of Object.entries(f.emotion.probs)) assert.ok(Math.abs(p - cpu[i].emotion.probs[k]) < 1e-3, `face ${i} ${k}`);
  });
});
