#!/usr/bin/env node
// Times the CPU path's image kernels, wasm (src/kernels/wasm/image.ts) against their TypeScript
// references, in Node's V8 (no browser needed): the detector's resize of a 640x480 RGBA frame into
// the 640x480 B, G, R tensor, and a mirrored 48x48 gray face crop with 3x3 taps (a 120 px face).
// The wasm times include copying the frame into wasm memory and the floats out. Prints one JSON
// object: median and min ms per call of each. Other jobs on a shared machine skew the medians.
//
//   node tools/bench-image-kernels.mjs [--reps 15]
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { wasmKernelsEsbuild } from './wasm-kernels.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { reps: { type: 'string', default: '15' } } });
const reps = Number(values.reps);
if (!(Number.isInteger(reps) && reps >= 1)) {
  console.error('bench-image-kernels: --reps takes a positive integer');
  process.exit(2);
}

const SOURCE = `
import { resizeToTensorRef } from './src/kernels/resize-to-tensor.ref.ts';
import { cropResizeRef } from './src/kernels/crop-resize.ref.ts';
import { WasmImageKernels } from './src/kernels/wasm/image.ts';
export async function run(reps) {
  const W = 640, H = 480;
  const rgba = new Uint8Array(W * H * 4).map((_, i) => (i * 37) % 256);
  const g = { frameW: W, frameH: H, inW: W, inH: H, padW: W, padH: H };
  const dst = new Float32Array(W * H * 3), crop = new Float32Array(48 * 48);
  const img = { data: rgba, width: W, height: H };
  const m = { a: -2.5, b: 0, c: 0, d: 2.5, tx: 400, ty: 100 };
  const k = await WasmImageKernels.create();
  const time = (f, n) => {
    for (let i = 0; i < 3; i++) f();
    const t = [];
    for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); }
    t.sort((a, b) => a - b);
    return { median_ms: t[n >> 1], min_ms: t[0] };
  };
  return {
    resize_640x480: { ts: time(() => resizeToTensorRef(rgba, g, dst), reps), wasm: time(() => k.resizeToTensor(rgba, g, dst), reps) },
    crop_48_gray_mirrored_3taps: { ts: time(() => cropResizeRef(img, m, 48, 1, 3, crop), reps * 10), wasm: time(() => k.cropResize(img, m, 48, 1, 3, crop), reps * 10) },
  };
}`;

const out = await esbuild.build({
  stdin: { contents: SOURCE, resolveDir: root, loader: 'ts' },
  bundle: true, format: 'esm', platform: 'node', target: 'es2022', write: false, logLevel: 'error', plugins: [wasmKernelsEsbuild()],
});
const { run } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
const result = await run(reps);
for (const v of Object.values(result)) v.ts_over_wasm = { median: v.ts.median_ms / v.wasm.median_ms, min: v.ts.min_ms / v.wasm.min_ms };
console.log(JSON.stringify({ node: process.version, reps, ...result }));
