// Every backend (webgpu, wasm, the cpu reference) vs PyTorch (training/golden.py): logits, probabilities, flip-TTA probabilities and the
// stem/module taps of the trained emotion (gray 48x48) and gender (RGB 64x64) models. Fails, naming the file, while the fixtures are missing.
import { expect } from '@esm-bundle/chai';
import type { FoldedMiniXception } from '../../src/nn/mini-xception/folded.js';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { parseModelSpec } from '../../src/nn/model-spec.js';
import { type SafeTensor, parseSafetensors } from '../../src/nn/safetensors.js';
import { loadMiniXception } from '../../src/nn/mini-xception/weights.js';
import { assertClose, requestTestDevice } from '../helpers/gpu.js';

// f32 everywhere, PyTorch sums in another order: observed max errors are ~3e-6 on logits and
// activations (magnitudes up to ~10) and ~2e-7 on probabilities; 1e-4 and 1e-5 leave margin.
const ATOL = 1e-4;
const ATOL_PROBS = 1e-5;

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`golden parity needs ${url} (HTTP ${res.status}); run training/export.py and training/golden.py`);
  return res;
}

async function load(model: string): Promise<{ f: FoldedMiniXception; g: Map<string, SafeTensor> }> {
  const [json, weights, golden] = await Promise.all([
    fetchOk(`/weights/${model}.json`).then((r) => r.json()),
    fetchOk(`/weights/${model}.safetensors`).then((r) => r.arrayBuffer()),
    fetchOk(`/test/fixtures/${model}.golden.safetensors`).then((r) => r.arrayBuffer()),
  ]);
  const spec = parseModelSpec(json, `weights/${model}.json`);
  return { f: loadMiniXception(spec, weights, `weights/${model}.safetensors`), g: parseSafetensors(golden, `${model}.golden.safetensors`) };
}

function get(g: Map<string, SafeTensor>, name: string): SafeTensor {
  const t = g.get(name);
  if (!t) throw new Error(`golden file lacks "${name}"`);
  return t;
}

suite('mini-xception vs PyTorch golden vectors', () => {
  for (const model of ['emotion', 'gender'])
  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    test(`${model} ${backend}: logits, probs, probs_flip and taps match PyTorch`, async () => {
      const { f, g } = await load(model);
      const pixels = get(g, 'pixels');
      const n = pixels.shape[0];
      const device = backend === 'webgpu' ? await requestTestDevice() : undefined;
      device?.pushErrorScope('validation');
      try {
        const cpu = backend === 'webgpu' ? undefined : backend;
        const m = await createMiniXception(f, { device, cpu, maxBatch: n });
        expect(m.backend).to.equal(backend);
        const report: string[] = [];
        const check = (got: Float32Array, name: string, atol: number) => {
          const want = get(g, name);
          report.push(`${name} ${assertClose(got, want.data, atol, `${backend} ${name}`).toExponential(2)}`);
        };
        check(await m.logits(pixels.data, n), 'logits', ATOL);
        const taps = await m.taps(pixels.data, n);
        for (const name of ['stem', 'block0', 'block1', 'block2', 'block3']) {
          const t = taps.get(name)!;
          expect(t.shape, name).to.deep.equal(get(g, `taps.${name}`).shape);
          check(t.data, `taps.${name}`, ATOL);
        }
        check(await m.classify(pixels.data, n), f.spec.flip_tta ? 'probs_flip' : 'probs', ATOL_PROBS);
        const noFlip = await createMiniXception({ ...f, spec: { ...f.spec, flip_tta: false } }, { device, cpu, maxBatch: n });
        check(await noFlip.classify(pixels.data, n), 'probs', ATOL_PROBS);
        console.log(`golden ${model} ${backend} max abs error: ${report.join(', ')}`);
        m.dispose();
        noFlip.dispose();
        const err = await device?.popErrorScope();
        if (err) throw new Error(`WebGPU validation error: ${err.message}`);
      } finally {
        device?.destroy();
      }
    });
  }
});
