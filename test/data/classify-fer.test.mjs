// The classify CLI on real FER-2013 JPEGs from the data folder: two PrivateTest images of each
// class, the accuracy line against folder labels, and the zip read directly with --split/--limit.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLASSES, ensureBuilt, extractFer, parseJsonl, runClassify, tempDir } from '../e2e/helpers.mjs';
import { useData } from './data-folder.mjs';

const [FER_ZIP] = useData(import.meta, ['datasets', 'fer2013.zip']);
let dir;
let images;

before(async () => {
  await ensureBuilt();
  dir = await tempDir();
  images = await extractFer(join(dir, 'faces'), { perClass: 2 });
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('classify CLI on 14 FER-2013 images (webgpu): one line each, expected from the folder, the accuracy line', async () => {
  const r = await runClassify(['--backend', 'webgpu', join(dir, 'faces')]);
  assert.equal(r.code, 0, r.stderr);
  const lines = parseJsonl(r.stdout);
  assert.deepEqual(lines.map((l) => l.file).sort(), [...images].sort());
  for (const l of lines) {
    assert.deepEqual(Object.keys(l.probs), CLASSES, `${l.file}: probabilities in FER-2013 class order`);
    assert.equal(l.expected, l.file.split('/')[0], 'expected is the folder class');
  }
  const right = lines.filter((l) => l.label === l.expected).length;
  assert.match(r.stderr, new RegExp(`accuracy against folder labels \\d+\\.\\d+% \\(${right}/14\\)`));
  assert.ok(right >= 5, `${right}/14 right: the model is ~68% accurate on PrivateTest`);
});

test('classify CLI reads the zip directly, with --split and --limit, to stdout', async () => {
  const r = await runClassify(['--backend', 'cpu', '--split', 'PublicTest', '--limit', '5', FER_ZIP]);
  assert.equal(r.code, 0, r.stderr);
  const lines = parseJsonl(r.stdout);
  assert.equal(lines.length, 5);
  for (const l of lines) {
    assert.match(l.file, /^test\/\w+\/PublicTest_\d+\.jpg$/);
    assert.ok(l.probs, l.error);
  }
});
