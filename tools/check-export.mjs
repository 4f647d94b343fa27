// CI round trip of the trainer's export into the TypeScript loader: reads <dir>/<name>.json and
// .safetensors with the app's own loader (src/nn/mini-xception/weights.ts), runs the CPU backend on the golden
// inputs and compares the logits with PyTorch's (written by training/golden.py into the same dir).
//   node tools/check-export.mjs .cache/smoke [emotion]
import { build } from 'esbuild';
import { wasmKernelsEsbuild } from './wasm-kernels.mjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir = '.cache/smoke', name = 'emotion'] = process.argv.slice(2);
const out = join('.cache', 'check-export.bundle.mjs');
await build({
  stdin: {
    contents: `export { parseModelSpec } from './src/nn/model-spec.ts';
      export { loadMiniXception } from './src/nn/mini-xception/weights.ts';
      export { checkWeights, manifestDigest } from './src/nn/integrity.ts';
      export { parseSafetensors } from './src/nn/safetensors.ts';
      export { createMiniXception } from './src/nn/mini-xception/mini-xception.ts';`,
    resolveDir: process.cwd(), loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'es2022', format: 'esm', outfile: out, loader: { '.wgsl': 'text' }, plugins: [wasmKernelsEsbuild()], logLevel: 'error',
});
// Node has no WebGPU; the GPU modules only read these flag constants at import time.
globalThis.GPUBufferUsage ??= { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, INDEX: 16, VERTEX: 32, UNIFORM: 64, STORAGE: 128, INDIRECT: 256, QUERY_RESOLVE: 512 };
globalThis.GPUMapMode ??= { READ: 1, WRITE: 2 };
globalThis.GPUShaderStage ??= { VERTEX: 1, FRAGMENT: 2, COMPUTE: 4 };
const nn = await import(pathToFileURL(join(process.cwd(), out)).href);
const buf = async (f) => { const b = await readFile(join(dir, f)); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); };

const raw = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8'));
const bytes = await buf(`${name}.safetensors`);
await nn.checkWeights(bytes, nn.manifestDigest(raw, `${name}.json`, `${name}.safetensors`), `${name}.safetensors`); // the digest export.py wrote
// A head with extra outputs (docs/ARCHITECTURE.md 'Extra outputs') is read as the app reads it;
// logits() answers every output group, so the age bands' logits are compared with PyTorch's too.
const spec = nn.parseModelSpec(raw);
const weights = nn.loadMiniXception(spec, bytes);
const golden = nn.parseSafetensors(await buf(`${name}.golden.safetensors`));
const pixels = golden.get('pixels');
const want = golden.get('logits');
const n = pixels.shape[0];
const model = await nn.createMiniXception(weights, { maxBatch: n });
const got = await model.logits(pixels.data, n);
let worst = 0;
for (let i = 0; i < want.data.length; i++) { const d = Math.abs(got[i] - want.data[i]); worst = Number.isNaN(d) ? Infinity : Math.max(worst, d); }
// The app's probabilities: a softmax per output group, flip-averaged as the JSON says (golden.py's probs_flip / probs).
const wantP = golden.get(spec.flip_tta ? 'probs_flip' : 'probs');
let worstP = 0;
if (wantP) {
  const gotP = await model.classifyOutputs(pixels.data, n);
  for (let i = 0; i < wantP.data.length; i++) { const d = Math.abs(gotP[i] - wantP.data[i]); worstP = Number.isNaN(d) ? Infinity : Math.max(worstP, d); }
}
const ok = worst <= 1e-3 && worstP <= 1e-4;
console.log(`check-export: ${name} from ${dir}: ${n} golden inputs, max |logit - PyTorch| = ${worst.toExponential(2)}` +
  `${wantP ? `, max |probability - PyTorch| = ${worstP.toExponential(2)} (per output group)` : ''} ${ok ? 'ok' : 'FAILED'}`);
process.exit(ok ? 0 : 1);
