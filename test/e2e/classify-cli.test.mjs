// The classify CLI end to end: the golden fixtures' three FER-2013 faces (as PNGs in class folders)
// through the built app in headless Chromium, on both backends, plus an unreadable file that must
// not stop the run. Real FER-2013 files from the data folder: test/data/classify-fer.test.mjs.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLASSES, ensureBuilt, parseJsonl, runClassify, tempDir } from './helpers.mjs';
import { writeEmotionFaces } from './owned-images.mjs';

let dir;
let images;

before(async () => {
  await ensureBuilt();
  dir = await tempDir();
  images = await writeEmotionFaces(join(dir, 'faces'));
  await writeFile(join(dir, 'faces', 'happy', 'PrivateTest_broken.jpg'), 'this is not a JPEG');
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Checks one run's lines; returns them keyed by file. */
function checkLines(lines, backend) {
  assert.equal(lines.length, images.length + 1, `${backend}: one line per image`);
  const byFile = new Map(lines.map((l) => [l.file, l]));
  for (const rel of images) {
    const l = byFile.get(rel);
    assert.ok(l, `${backend}: a line for ${rel}`);
    assert.equal(l.error, undefined, `${backend}: ${rel}: ${l.error}`);
    assert.deepEqual(Object.keys(l.probs), CLASSES, 'probabilities in FER-2013 class order');
    const sum = Object.values(l.probs).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `${backend}: ${rel}: probabilities sum to ${sum}`);
    assert.ok(CLASSES.includes(l.label), `label ${l.label} is a class name`);
    const top = Object.entries(l.probs).sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(l.label, top, 'label is the most likely class');
    assert.equal(l.expected, rel.split('/')[0], 'expected is the folder class');
  }
  const broken = byFile.get('happy/PrivateTest_broken.jpg');
  assert.ok(broken, 'the unreadable file has a line');
  assert.match(broken.error, /decode/i);
  assert.equal(broken.probs, undefined);
  return byFile;
}

const runs = {};
for (const backend of ['cpu', 'webgpu']) {
  test(`classify CLI --backend ${backend}: one line per image, an error line for the broken file, exit code 1`, async () => {
    const out = join(dir, `${backend}.jsonl`);
    const r = await runClassify(['--backend', backend, '--out', out, join(dir, 'faces')]);
    assert.equal(r.code, 1, `an input failed, so exit 1 (after the rest): ${r.stderr}`);
    runs[backend] = checkLines(parseJsonl(await readFile(out, 'utf8')), backend);
    assert.match(r.stderr, /error: happy\/PrivateTest_broken\.jpg: /, 'the bad file is reported on stderr');
    assert.match(r.stderr, new RegExp(`summary: ${images.length + 1} images \\(${images.length} classified, 1 errors\\)`));
    assert.match(r.stderr, /images\/s/);
    assert.match(r.stderr, new RegExp(`summary: backend ${backend}`));
    assert.match(r.stderr, new RegExp(`accuracy against folder labels \\d+\\.\\d+% \\(\\d+/${images.length}\\)`));
    // The golden happy and surprise faces are clear cases (probability 0.85 and 0.94 in the fixture).
    assert.equal(runs[backend].get(images.find((f) => f.startsWith('happy/'))).label, 'happy');
    assert.equal(runs[backend].get(images.find((f) => f.startsWith('surprise/'))).label, 'surprise');
  });
}

test('webgpu and cpu agree (max probability difference < 1e-3)', () => {
  assert.ok(runs.cpu && runs.webgpu, 'both runs happened');
  let worst = 0;
  for (const [file, c] of runs.cpu) {
    if (!c.probs) continue;
    const g = runs.webgpu.get(file);
    for (const k of CLASSES) worst = Math.max(worst, Math.abs(c.probs[k] - g.probs[k]));
  }
  assert.ok(worst < 1e-3, `max |webgpu - cpu| = ${worst}`);
});
