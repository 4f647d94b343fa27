#!/usr/bin/env node
// Checks the crop policy against its own measurements: for each measured training image, the
// crop that src/vision/crop-policy.ts computes from the detected landmarks should be the image
// itself (scale 1, no shift, no turn). Prints, per model, the median and 90th percentile of
// |scale − 1|, the shift of the crop centre (fraction of the side) and the turn (degrees).
//
//   node tools/crop-policy/evaluate.mjs /tmp/cp-fer.out.json /tmp/cp-utk.out.json
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = await esbuild.build({ entryPoints: [join(root, 'src/vision/crop-policy.ts')], bundle: true, format: 'esm', platform: 'node', write: false });
const cp = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);

const q = (a, p) => [...a].sort((x, y) => x - y)[Math.round(p * (a.length - 1))];
for (const [path, spec, name] of [[process.argv[2], cp.EMOTION_CROP, 'emotion'], [process.argv[3], cp.GENDER_CROP, 'gender']]) {
  if (!path) continue;
  const m = JSON.parse(readFileSync(path, 'utf8'));
  const S = spec.size;
  const scale = [], shift = [], turn = [];
  let fallback = 0;
  for (const f of m.faces) {
    if (!f) continue;
    const face = { box: f.box.map((v) => v * S), landmarks: f.lm.map(([x, y]) => [x * S, y * S]) };
    if (!cp.landmarksUsable(face)) fallback++;
    const a = cp.cropTransform(face, spec);
    const [cx, cy] = cp.applyAffine(a, S / 2, S / 2);
    scale.push(Math.abs(cp.affineScale(a) - 1));
    shift.push(Math.hypot(cx - S / 2, cy - S / 2) / S);
    turn.push(Math.abs((Math.atan2(a.c, a.a) * 180) / Math.PI));
  }
  const fmt = (a) => `median ${q(a, 0.5).toFixed(3)}, p90 ${q(a, 0.9).toFixed(3)}`;
  console.log(`${name}: ${scale.length} faces (${fallback} by the box fallback): |scale-1| ${fmt(scale)}; centre shift ${fmt(shift)} of the side; turn ${fmt(turn)} deg`);
}
