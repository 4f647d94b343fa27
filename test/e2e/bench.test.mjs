// `npm run bench -- --json --quick` end to end, through the built app's #bench view in headless
// Chromium: the JSON has the documented shape, every runtime/backend has a row, and every peer's
// logits were checked against emolens before it was timed. No timing assertions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasData } from '../../tools/data-dir.mjs';
import { ensureBuilt, runTool } from './helpers.mjs';

const RUNNERS = ['emolens webgpu', 'emolens wasm', 'emolens cpu', 'onnxruntime-web webgpu', 'onnxruntime-web wasm', 'tfjs webgpu', 'tfjs wasm', 'tfjs cpu'];

// 10 minutes: the quick run also times YuNet on a 640x480 frame (seconds per call on SwiftShader) and takes 5+ minutes on a loaded machine.
const runBenchCli = (args) => runTool('bench', args, { timeoutMs: 600_000 });

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

test('bench --json --quick: schema, one row per runtime/backend, correctness checked for every peer', async () => {
  await ensureBuilt();
  const { code, stdout, stderr } = await runBenchCli(['--json', '--quick', '--no-build']);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /\[bench page\] error/, 'the #bench page logged an error (CSP, MIME type, a failed fetch)');
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'stdout is exactly one JSON object');
  const rep = JSON.parse(lines[0]);

  assert.deepEqual(Object.keys(rep).sort(), ['adapter', 'kernels', 'meta', 'results', 'roofline', 'wasm_roofline']);
  for (const k of ['vendor', 'architecture', 'description']) assert.equal(typeof rep.adapter[k], 'string', `adapter.${k}`);
  assert.equal(typeof rep.adapter.isFallbackAdapter, 'boolean');
  assert.ok(Array.isArray(rep.adapter.features));

  const emotion = rep.results.filter((r) => r.model === 'emotion');
  assert.deepEqual(emotion.map((r) => `${r.runtime} ${r.backend}`), RUNNERS);
  // Saliency (guided backprop) has no peer: emolens wasm and cpu are checked against emolens webgpu.
  assert.deepEqual(rep.results.filter((r) => r.model === 'saliency').map((r) => `${r.runtime} ${r.backend}`), ['emolens webgpu', 'emolens wasm', 'emolens cpu']);
  // The detector: one 640x480 frame; onnxruntime-web's row needs the data folder's YuNet ONNX.
  const yunet = rep.results.filter((r) => r.model === 'yunet');
  assert.deepEqual(yunet.map((r) => `${r.runtime} ${r.backend}`), ['emolens webgpu', 'emolens wasm', 'onnxruntime-web wasm']);
  const onnx = hasData('models', 'face_detection_yunet_2023mar.onnx');
  if (!onnx) assert.match(yunet[2].error, /bench\/yunet\.onnx: HTTP 404/);
  for (const r of rep.results.filter((x) => onnx || x !== yunet[2])) {
    const what = `${r.runtime} ${r.backend}`;
    assert.equal(r.batch, 1, what);
    for (const k of ['median_ms', 'min_ms', 'max_ms', 'per_face_ms', 'max_abs_diff_vs_emolens']) assert.ok(isNum(r[k]), `${what}: ${k} = ${r[k]} (${r.error ?? ''})`);
    assert.ok(Number.isInteger(r.samples) && r.samples >= 2, `${what}: samples ${r.samples}`);
    assert.ok(r.min_ms <= r.median_ms && r.median_ms <= r.max_ms, what);
    // The correctness check ran and passed: a timing of a wrong answer would be void.
    assert.equal(r.correct, true, `${what}: ${r.error}`);
    assert.ok(r.max_abs_diff_vs_emolens <= rep.meta.tolerance, `${what}: |Δ| ${r.max_abs_diff_vs_emolens}`);
  }

  assert.ok(rep.kernels.length >= 20, `${rep.kernels.length} kernel rows`);
  for (const k of rep.kernels) {
    for (const f of ['median_ms', 'min_ms', 'max_ms', 'gflops', 'gbps', 'flops', 'bytes']) assert.ok(isNum(k[f]) && k[f] > 0, `${k.kernel} ${k.layer}: ${f} = ${k[f]}`);
    assert.equal(typeof k.shape, 'string');
  }
  for (const f of ['fma_gflops', 'copy_gbps', 'copy_kernel_gbps', 'bandwidth_gbps']) assert.ok(isNum(rep.roofline[f]) && rep.roofline[f] > 0, `roofline.${f}`);
  assert.equal(rep.meta.model_flops_per_face, 23_313_600);
  assert.ok(isNum(rep.wasm_roofline.fma_gflops) && isNum(rep.wasm_roofline.simd128_gflops) && rep.wasm_roofline.simd128_gflops > 0, 'wasm roofline');
  assert.equal(rep.meta.threads, 1);
});

test('bench --wasm-only --threads 2: wasm rows only, each run on 2 threads on an isolated page, peers checked against emolens wasm', async () => {
  await ensureBuilt();
  const { code, stdout, stderr } = await runBenchCli(['--json', '--quick', '--no-build', '--wasm-only', '--threads', '2', '--no-kernels', '--no-saliency']);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /\[bench page\] error|fall back to one thread/, 'the #bench page logged an error, or a pool failed to start');
  const rep = JSON.parse(stdout.trim());
  assert.equal(rep.meta.threads, 2);
  assert.equal(rep.meta.cross_origin_isolated, true, 'tools/serve.mjs serves the bench cross-origin isolated');
  const emotion = rep.results.filter((r) => r.model === 'emotion');
  assert.deepEqual([...new Set(emotion.map((r) => `${r.runtime} ${r.backend}`))], ['emolens wasm', 'onnxruntime-web wasm', 'tfjs wasm']);
  for (const r of rep.results) {
    assert.equal(r.backend, 'wasm', `${r.runtime} ${r.backend}`);
    assert.equal(r.threads, 2, `${r.runtime} ${r.model}: threads`);
    if (r.runtime === 'onnxruntime-web' && r.model === 'yunet' && !hasData('models', 'face_detection_yunet_2023mar.onnx')) continue;
    assert.equal(r.error, undefined, `${r.runtime} ${r.model} batch ${r.batch}: ${r.error}`);
    assert.ok(r.correct, `${r.runtime} ${r.model} batch ${r.batch}: outputs differ from emolens wasm`);
    assert.ok(isNum(r.median_ms) && r.median_ms > 0, `${r.runtime} ${r.model}: a time`);
  }
  assert.ok(rep.results.some((r) => r.model === 'yunet' && r.runtime === 'emolens'), 'a yunet row for emolens wasm');
});
