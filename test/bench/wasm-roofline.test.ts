// The wasm roofline gives finite, positive peaks for both builds (a too-short run would read 0 ms
// and report Infinity), and the fused build is not slower than the multiply + add one by much.
import { expect } from '@esm-bundle/chai';
import { measureWasmRoofline } from '../../src/bench/wasm-roofline.js';

suite('wasm roofline', () => {
  test('fma and SIMD128 peaks are finite and positive', async () => {
    const r = await measureWasmRoofline(2, 20);
    for (const v of [r.fma_gflops, r.simd128_gflops]) expect(Number.isFinite(v) && v > 0.1, `${v}`).to.equal(true);
    expect(r.fused).to.equal(true);
    expect(r.fma_gflops).to.be.greaterThan(0.5 * r.simd128_gflops);
  });
});
