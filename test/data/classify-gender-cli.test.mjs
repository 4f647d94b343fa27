// The classify CLI with --model gender end to end: real UTKFace chips (100×100 RGB, extracted from
// the data folder's zip, test split) through the built app in headless Chromium on both backends: labels
// female/male, probabilities that sum to 1, "expected" from the UTKFace file name, the accuracy
// line, webgpu ≈ cpu; and --split-file picks the CSV's split straight from the zip.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { openZip } from '../../tools/classify-inputs.mjs';
import { ensureBuilt, parseJsonl, root, runClassify, tempDir } from '../e2e/helpers.mjs';
import { useData } from './data-folder.mjs';

const [UTK_ZIP] = useData(import.meta, ['datasets', 'utkface.zip']);
const SPLITS = resolve(root, 'training/splits/utkface.csv');
const GENDERS = ['female', 'male'];
const PER_GENDER = 4;

let dir;
let images;

/** The first PER_GENDER test-split chips of each gender, written to dir/chips. */
async function extractChips(out) {
  const csv = await readFile(SPLITS, 'utf8');
  const inTest = new Set(csv.split(/\r?\n/).filter((l) => l.endsWith(',test')).map((l) => l.split(',')[0]));
  const zip = await openZip(UTK_ZIP);
  const written = [];
  try {
    await mkdir(out, { recursive: true });
    for (const g of ['1', '0']) {
      const entries = zip.entries.filter((e) => inTest.has(basename(e.name)) && basename(e.name).split('_')[1] === g && Number(basename(e.name).split('_')[0]) >= 20).slice(0, PER_GENDER);
      for (const e of entries) {
        await writeFile(join(out, basename(e.name)), await zip.read(e));
        written.push(basename(e.name));
      }
    }
  } finally {
    await zip.close();
  }
  return written;
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir();
  images = await extractChips(join(dir, 'chips'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const runs = {};
for (const backend of ['webgpu', 'cpu']) {
  test(`classify --model gender --backend ${backend}: female/male lines, expected from the UTKFace name, accuracy`, async () => {
    const out = join(dir, `${backend}.jsonl`);
    const r = await runClassify(['--model', 'gender', '--backend', backend, '--out', out, join(dir, 'chips')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = parseJsonl(await readFile(out, 'utf8'));
    assert.equal(lines.length, images.length);
    for (const l of lines) {
      assert.equal(l.error, undefined, l.error);
      assert.deepEqual(Object.keys(l.probs), GENDERS);
      assert.ok(GENDERS.includes(l.label));
      const sum = l.probs.female + l.probs.male;
      assert.ok(Math.abs(sum - 1) < 1e-4, `${l.file}: probabilities sum to ${sum}`);
      assert.equal(l.label, l.probs.female >= l.probs.male ? 'female' : 'male');
      assert.equal(l.expected, l.file.split('_')[1] === '1' ? 'female' : 'male', 'expected from the file name (1 = female)');
    }
    const m = /accuracy against file-name labels (\d+\.\d+)% \((\d+)\/(\d+)\)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.equal(Number(m[3]), images.length);
    assert.ok(Number(m[2]) >= images.length - 2, `adults' chips are mostly right: ${m[0]}`);
    assert.match(r.stderr, new RegExp(`summary: backend ${backend}`));
    runs[backend] = new Map(lines.map((l) => [l.file, l]));
  });
}

test('gender: webgpu and cpu agree (max probability difference < 1e-3)', () => {
  assert.ok(runs.cpu && runs.webgpu, 'both runs happened');
  let worst = 0;
  for (const [file, c] of runs.cpu) for (const k of GENDERS) worst = Math.max(worst, Math.abs(c.probs[k] - runs.webgpu.get(file).probs[k]));
  assert.ok(worst < 1e-3, `max |webgpu - cpu| = ${worst}`);
});

test('--split-file CSV --split test reads the zip directly', async () => {
  const r = await runClassify(['--model', 'gender', '--backend', 'cpu', '--split-file', SPLITS, '--split', 'test', '--limit', '3', UTK_ZIP]);
  assert.equal(r.code, 0, r.stderr);
  const csv = await readFile(SPLITS, 'utf8');
  const lines = parseJsonl(r.stdout);
  assert.equal(lines.length, 3);
  for (const l of lines) {
    assert.match(csv, new RegExp(`\n${basename(l.file).replace(/\./g, '\\.')},test\r?\n`), `${l.file} is in the test split`);
    assert.ok(GENDERS.includes(l.expected));
  }
});
