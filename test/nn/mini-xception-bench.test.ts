// Timing print, not an assertion: ms per face of one forward pass (logits(), no flip) and of
// classify() (flip TTA: two passes' worth of rows), at batch 1 and 32, for both plans. Random
// weights of the shipped emotion model's shape (stem 12, widths 24/48/96/192: ~25 MFLOP/face).
import { createMiniXception } from '../../src/nn/mini-xception.js';
import { randomArray, requestTestDevice } from '../helpers/gpu.js';
import { randomMiniXception, randomSpec } from './random-mini-xception.js';

async function median(reps: number, f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up: first submit, JIT
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[reps >> 1];
}

suite('mini-xception timing (printed, not asserted)', () => {
  test('ms per face, webgpu and cpu plans, batch 1 and 32', async () => {
    const f = randomMiniXception(randomSpec(12, [24, 48, 96, 192]), 2);
    const device = await requestTestDevice();
    try {
      const lines: string[] = [];
      for (const backend of ['webgpu', 'cpu'] as const) {
        const m = await createMiniXception(f, { device: backend === 'webgpu' ? device : undefined, maxBatch: 32 });
        for (const n of [1, 32]) {
          const px = randomArray(n * 48 * 48, n, 0, 255);
          const reps = backend === 'cpu' && n > 1 ? 3 : 9;
          const fwd = await median(reps, () => m.logits(px, n));
          const cls = await median(reps, () => m.classify(px, n));
          lines.push(`${backend} batch ${n}: forward ${(fwd / n).toFixed(2)} ms/face, classify+flip ${(cls / n).toFixed(2)} ms/face`);
        }
        m.dispose();
      }
      console.log(`mini-xception timing (${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'browser'}):\n  ${lines.join('\n  ')}`);
    } finally {
      device.destroy();
    }
  });
});
