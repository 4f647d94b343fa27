#!/usr/bin/env node
// Turns the measurements of measure.mjs into src/vision/crop-policy-data.ts, the numbers of the crop
// policy (docs/crop-policy.md): per model, where the five YuNet landmarks and the box sit in a
// training image, as fractions of its side. Medians over the detected faces; the two eyes share
// one y (their mean) so that a crop that levels the detected eyes matches the template exactly.
//
//   node tools/crop-policy/fit.mjs /tmp/cp-fer.out.json /tmp/cp-utk.out.json > src/vision/crop-policy-data.ts
// (a TS module rather than JSON: the unit-test server would serve every .json as a JS module).
import { readFileSync } from 'node:fs';

const [ferPath, utkPath] = process.argv.slice(2);
if (!utkPath) throw new Error('usage: node tools/crop-policy/fit.mjs FER.out.json UTK.out.json');

const r4 = (v) => Math.round(v * 1e4) / 1e4;

function policy(m, size, channels, source) {
  const L = m.landmarks;
  const med = (k, a) => L[k][a].median;
  const eyeY = (med('rightEye', 'y') + med('leftEye', 'y')) / 2;
  const mouthY = (med('rightMouth', 'y') + med('leftMouth', 'y')) / 2;
  return {
    size,
    channels,
    source,
    measured: { images: m.images, detected: m.detected, eyeDistIqr: [m.eyeDist.q1, m.eyeDist.q3], eyeAngleDegMedian: m.eyeAngleDeg.median },
    // YuNet order: right eye, left eye, nose tip, right mouth corner, left mouth corner (image-left first).
    template: [
      [med('rightEye', 'x'), eyeY],
      [med('leftEye', 'x'), eyeY],
      [med('nose', 'x'), med('nose', 'y')],
      [med('rightMouth', 'x'), mouthY],
      [med('leftMouth', 'x'), mouthY],
    ].map((p) => p.map(r4)),
    // Box fallback (landmarks unusable): box centre, and sqrt(w·h) of the box, in image sides.
    box: { cx: r4(m.box.cx.median), cy: r4(m.box.cy.median), size: r4(Math.sqrt(m.box.w.median * m.box.h.median)) },
  };
}

const fer = JSON.parse(readFileSync(ferPath, 'utf8'));
const utk = JSON.parse(readFileSync(utkPath, 'utf8'));
const data = JSON.stringify({
  detector: 'face_detection_yunet_2023mar.onnx (onnxruntime-node, 16 tiles of 160x160 per 640x640 input, score >= 0.6)',
  emotion: policy(fer, 48, 1, `FER-2013 Training, ${fer.images} seeded random images (48x48 scaled x2.5 into a 160x160 tile)`),
  gender: policy(utk, 64, 3, `UTKFace chips, ${utk.images} seeded random images (100x100 scaled x1.2 into a 160x160 tile)`),
}, null, 2);
console.log(`// Written by tools/crop-policy/fit.mjs from YuNet measurements: do not edit by hand (docs/crop-policy.md).
export default ${data} as const;`);
