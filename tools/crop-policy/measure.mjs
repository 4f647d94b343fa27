#!/usr/bin/env node
// Measures where YuNet puts its box and five landmarks on the training images of our classifiers,
// which is the crop policy inverted (docs/crop-policy.md): if the detector finds the eyes of a
// FER-2013 face at (0.31, 0.40) of the 48×48 image, the emotion crop must put detected eyes there.
//
//   /usr/bin/python3 tools/crop-policy/prepare.py fer 2000 /tmp/cp-fer
//   node tools/crop-policy/measure.mjs /tmp/cp-fer > fer.json
//
// Runs the reference YuNet (EMOLENS_DATA/models/face_detection_yunet_2023mar.onnx) with
// onnxruntime-node on CPU, 16 tiles of 160×160 per 640×640 input (BGR 0..255 NCHW, as OpenCV's
// FaceDetectorYN feeds it), decodes the strides 8/16/32 as OpenCV does, keeps the best face per
// tile, and prints per-landmark medians and quartiles in image fractions (0..1 of the side).
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { dataFileOrExit } from '../data-dir.mjs';

const MODEL = dataFileOrExit('models', 'face_detection_yunet_2023mar.onnx');
const IN = 640;
const MIN_SCORE = 0.6;

const prefix = process.argv[2];
if (!prefix) throw new Error('usage: node tools/crop-policy/measure.mjs PREFIX (from prepare.py)');
const meta = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
const pixels = readFileSync(`${prefix}.rgb`);
const { cell, offset, scaled } = meta;
const perRow = IN / cell;
const perInput = perRow * perRow;
const n = meta.names.length;

/** Decodes YuNet's 12 outputs into faces: {score, box [x,y,w,h], lm [[x,y]×5]} in input pixels. */
function decode(out) {
  const faces = [];
  for (const s of [8, 16, 32]) {
    const cols = IN / s;
    const cls = out[`cls_${s}`].data, obj = out[`obj_${s}`].data, bbox = out[`bbox_${s}`].data, kps = out[`kps_${s}`].data;
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(Math.min(Math.max(cls[i], 0), 1) * Math.min(Math.max(obj[i], 0), 1));
      if (score < MIN_SCORE) continue;
      const r = Math.floor(i / cols), c = i % cols;
      const cx = (c + bbox[4 * i]) * s, cy = (r + bbox[4 * i + 1]) * s;
      const w = Math.exp(bbox[4 * i + 2]) * s, h = Math.exp(bbox[4 * i + 3]) * s;
      const lm = [];
      for (let k = 0; k < 5; k++) lm.push([(kps[10 * i + 2 * k] + c) * s, (kps[10 * i + 2 * k + 1] + r) * s]);
      faces.push({ score, box: [cx - w / 2, cy - h / 2, w, h], lm });
    }
  }
  return faces;
}

const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1 });
const found = []; // per image: null or { score, box, lm } in image fractions
for (let first = 0; first < n; first += perInput) {
  const input = new Float32Array(3 * IN * IN);
  for (let t = 0; t < perInput && first + t < n; t++) {
    const ox = (t % perRow) * cell, oy = Math.floor(t / perRow) * cell;
    const base = (first + t) * cell * cell * 3;
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const p = base + (y * cell + x) * 3, o = (oy + y) * IN + ox + x;
        input[o] = pixels[p + 2]; // B
        input[IN * IN + o] = pixels[p + 1]; // G
        input[2 * IN * IN + o] = pixels[p]; // R
      }
    }
  }
  const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, IN, IN]) });
  const faces = decode(out);
  for (let t = 0; t < perInput && first + t < n; t++) {
    const ox = (t % perRow) * cell, oy = Math.floor(t / perRow) * cell;
    let best = null;
    for (const f of faces) {
      const cx = f.box[0] + f.box[2] / 2, cy = f.box[1] + f.box[3] / 2;
      if (cx < ox || cx >= ox + cell || cy < oy || cy >= oy + cell) continue;
      if (!best || f.score > best.score) best = f;
    }
    if (!best) {
      found.push(null);
      continue;
    }
    const fx = (x) => (x - ox - offset) / scaled, fy = (y) => (y - oy - offset) / scaled;
    found.push({
      score: best.score,
      box: [fx(best.box[0]), fy(best.box[1]), best.box[2] / scaled, best.box[3] / scaled],
      lm: best.lm.map(([x, y]) => [fx(x), fy(y)]),
    });
  }
}

const ok = found.filter(Boolean);
const q = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
};
const stat = (a) => ({ median: +q(a, 0.5).toFixed(4), q1: +q(a, 0.25).toFixed(4), q3: +q(a, 0.75).toFixed(4) });
const NAMES = ['rightEye', 'leftEye', 'nose', 'rightMouth', 'leftMouth'];
const lm = Object.fromEntries(NAMES.map((name, k) => [name, { x: stat(ok.map((f) => f.lm[k][0])), y: stat(ok.map((f) => f.lm[k][1])) }]));
const box = {
  cx: stat(ok.map((f) => f.box[0] + f.box[2] / 2)),
  cy: stat(ok.map((f) => f.box[1] + f.box[3] / 2)),
  w: stat(ok.map((f) => f.box[2])),
  h: stat(ok.map((f) => f.box[3])),
};
const eyeDist = stat(ok.map((f) => Math.hypot(f.lm[1][0] - f.lm[0][0], f.lm[1][1] - f.lm[0][1])));
const eyeAngleDeg = stat(ok.map((f) => (Math.atan2(f.lm[1][1] - f.lm[0][1], f.lm[1][0] - f.lm[0][0]) * 180) / Math.PI));
console.log(JSON.stringify({
  set: meta.set, images: n, detected: ok.length, minScore: MIN_SCORE,
  score: stat(ok.map((f) => f.score)), landmarks: lm, box, eyeDist, eyeAngleDeg,
  // Per-image values for further fitting (tools/crop-policy/fit.mjs).
  faces: found.map((f) => f && { box: f.box.map((v) => +v.toFixed(4)), lm: f.lm.map((p) => p.map((v) => +v.toFixed(4))) }),
}));
