// The detector and both classifiers end to end on inputs the repository owns, on every backend (cpu, wasm, webgpu):
// `npm run analyze` on a 640×480 frame of the golden fixtures' six faces (three FER-2013, three
// UTKFace; test/e2e/owned-images.mjs). Each face must be found where it was placed, the clear
// cases labelled as the fixtures' sources say, and WebGPU must agree with the CPU reference.
// On the data folder's photos and videos: test/data/analyze-cli.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureBuilt, parseJsonl, runTool, tempDir } from './helpers.mjs';
import { encodePng, facesFrame } from './owned-images.mjs';

// Where facesFrame() puts face i (side 150): FER happy, surprise, angry; UTKFace 100-year-old
// woman, 21-year-old man, 1-year-old boy (their file names' labels).
const placed = (i) => ({ x: 30 + (i % 3) * 200, y: 50 + Math.floor(i / 3) * 210, side: 150 });
const EMOTION = { 0: 'happy', 1: 'surprise' }; // the fixture's model: 0.85 and 0.94 on the 48×48 crops
/** The shipped gender weights' rule for "not estimated" (absent in weights without one). */
const RULE = JSON.parse(readFileSync(new URL('../../weights/gender.json', import.meta.url), 'utf8')).decline;
const GENDER = { 3: 'female', 4: 'male' }; // clear adults; the baby's gender is left unchecked

let dir;
let frame;
const runs = {};

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-analyze-owned-');
  frame = join(dir, 'faces.png');
  const { width, height, rgb } = facesFrame();
  await writeFile(frame, encodePng(width, height, 3, rgb));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The placed face whose square holds the detected box's centre, or -1. */
function whichFace([x, y, w, h]) {
  for (let i = 0; i < 6; i++) {
    const p = placed(i);
    if (x + w / 2 > p.x && x + w / 2 < p.x + p.side && y + h / 2 > p.y && y + h / 2 < p.y + p.side) return i;
  }
  return -1;
}

// wasm: the CPU path as the app runs it (wasm crop, resize and kernels); cpu: the TypeScript reference.
for (const backend of ['cpu', 'wasm', 'webgpu']) {
  test(`analyze --backend ${backend}: the six faces found where they were placed, emotion and gender labels`, async () => {
    const { code, stdout, stderr } = await runTool('analyze', ['--backend', backend, frame]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, new RegExp(`backend ${backend}`));
    const [line] = parseJsonl(stdout);
    const found = new Map(line.faces.map((f) => [whichFace(f.box), f]));
    assert.ok(!found.has(-1), `a face outside the placed squares: ${JSON.stringify(found.get(-1)?.box)}`);
    assert.ok(found.size >= 5 && found.size === line.faces.length, `${line.faces.length} faces, ${found.size} distinct: ${[...found.keys()]}`);
    for (const [i, f] of found) {
      assert.ok(f.box[2] > 80 && f.box[2] < 200, `face ${i}: width ${f.box[2]} for a 150 px face`);
      assert.equal(Object.keys(f.emotion.probs).length, 7);
      assert.deepEqual(Object.keys(f.gender.probs), ['female', 'male']);
      // Issue 16: a gender is a label, or null with why ("child" | "unsure"), by weights/gender.json's rule.
      const top = Math.max(...Object.values(f.gender.probs));
      if (f.gender.label === null) {
        assert.deepEqual(Object.keys(f.gender), ['label', 'probs', 'reason'], `face ${i}`);
        assert.ok(f.gender.reason === 'child' || (f.gender.reason === 'unsure' && top < RULE.gender_min_probability), `face ${i}: ${JSON.stringify(f.gender)}`);
      } else {
        assert.deepEqual(Object.keys(f.gender), ['label', 'probs'], `face ${i}`);
        if (RULE) assert.ok(top >= RULE.gender_min_probability, `face ${i} answered at ${top}`);
      }
    }
    for (const [i, label] of Object.entries(EMOTION)) assert.equal(found.get(Number(i))?.emotion.label, label, `face ${i} emotion`);
    for (const [i, label] of Object.entries(GENDER)) assert.equal(found.get(Number(i))?.gender.label, label, `face ${i} gender`);
    runs[backend] = found;
  });
}

test('webgpu agrees with cpu: same faces, boxes within 0.5 px, probabilities within 1e-3', () => {
  assert.ok(runs.cpu && runs.webgpu, 'both runs happened');
  assert.deepEqual([...runs.webgpu.keys()].sort(), [...runs.cpu.keys()].sort());
  for (const [i, c] of runs.cpu) {
    const g = runs.webgpu.get(i);
    c.box.forEach((v, k) => assert.ok(Math.abs(v - g.box[k]) <= 0.5, `face ${i} box ${c.box} vs ${g.box}`));
    for (const k of Object.keys(c.emotion.probs)) assert.ok(Math.abs(c.emotion.probs[k] - g.emotion.probs[k]) < 1e-3, `face ${i} ${k}`);
    for (const k of Object.keys(c.gender.probs)) assert.ok(Math.abs(c.gender.probs[k] - g.gender.probs[k]) < 1e-3, `face ${i} ${k}`);
  }
});
