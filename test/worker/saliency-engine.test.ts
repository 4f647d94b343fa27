// The worker engine's saliency verb with the real model loader (weights/emotion.*): both backends,
// the predicted and chosen targets, input checks, and a lost device dropping the GPU saliency plan.
import { expect } from '@esm-bundle/chai';
import { InferenceEngine } from '../../src/worker/inference-engine.js';
import { loadModel } from '../../src/worker/model-loader.js';

const S = 48;

function crops(n: number): Uint8Array {
  const g = new Uint8Array(n * S * S);
  for (let i = 0; i < g.length; i++) g[i] = (i * 2654435761) >>> 24;
  return g;
}

suite('inference engine: saliency', () => {
  for (const backend of ['cpu', 'webgpu'] as const) {
    test(`${backend}: maps n×48×48, probs equal classify(), predicted and chosen targets`, async () => {
      const engine = new InferenceEngine(loadModel, undefined, `${location.origin}/`);
      const loaded = await engine.load({ model: 'emotion', backend, weightsUrl: '/weights/' });
      expect(loaded.backend).to.equal(backend);
      const gray = crops(3);
      const r = await engine.saliency({ gray, n: 3 });
      expect(r.maps.length).to.equal(3 * S * S);
      expect(r.targets.length).to.equal(3);
      const probs = await engine.classify({ gray, n: 3 });
      for (let i = 0; i < probs.length; i++) expect(r.probs[i]).to.be.closeTo(probs[i], 1e-5);
      for (let i = 0; i < 3; i++) {
        const row = Array.from(probs.subarray(i * 7, i * 7 + 7));
        expect(r.targets[i]).to.equal(row.indexOf(Math.max(...row)));
      }
      expect(r.maps.some((v) => v !== 0), 'non-zero map').to.equal(true);
      const chosen = await engine.saliency({ gray, n: 3, target: [5, -1, 0] });
      expect(Array.from(chosen.targets)).to.deep.equal([5, r.targets[1], 0]);
      let err: unknown;
      try { await engine.saliency({ gray: gray.subarray(1), n: 3 }); } catch (e) { err = e; }
      expect(String(err)).to.match(/saliency: expected n × 48² = 6912 pixels, got 6911/);
      err = undefined;
      try { await engine.saliency({ gray, n: 3, target: [7, 0, 0] }); } catch (e) { err = e; }
      expect(String(err)).to.match(/target 7/);
    });
  }
});
