// The classify CLI with --saliency: per image NAME.saliency.png (input size) and NAME.overlay.png
// (input size × --overlay-scale), JSON lines naming the files and the explained class.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureBuilt, parseJsonl, runClassify, tempDir } from './helpers.mjs';
import { writeEmotionFaces } from './owned-images.mjs';

let dir;

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-saliency-cli-');
  await writeEmotionFaces(join(dir, 'faces'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const size = (b) => [b.readUInt32BE(16), b.readUInt32BE(20)];

test('classify --saliency DIR writes the raw map and the overlay per image', async () => {
  const out = join(dir, 'maps');
  const r = await runClassify(['--backend', 'cpu', '--saliency', out, '--overlay-scale', '3', join(dir, 'faces')]);
  assert.equal(r.code, 0, r.stderr);
  const lines = parseJsonl(r.stdout);
  assert.equal(lines.length, 3);
  for (const l of lines) {
    assert.equal(l.target, l.label, 'predicted class by default');
    assert.deepEqual(size(await readFile(l.saliency)), [48, 48]);
    assert.deepEqual(size(await readFile(l.overlay)), [144, 144]);
    assert.match(l.saliency, /PublicTest_\d+\.saliency\.png$/);
  }
  const chosen = await runClassify(['--backend', 'cpu', '--saliency', out, '--target', 'surprise', join(dir, 'faces')]);
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.deepEqual(parseJsonl(chosen.stdout).map((l) => l.target), ['surprise', 'surprise', 'surprise']);
  const bad = await runClassify(['--saliency', out, '--target', 'bored', join(dir, 'faces')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--target must be 'predicted' or one of angry/);
});
