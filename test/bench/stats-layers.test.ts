// The benchmark's pure helpers: statistics, the round-robin plan, and the FLOP count that every
// roofline fraction divides by (must equal training/model.py count_flops).
import { expect } from '@esm-bundle/chai';
import { LARGE_LAYERS, layerBytes, layerFlops, modelFlops, modelLayers } from '../../src/bench/layers.js';
import { maxAbsDiff, roundRobin, samplesFor, summarize } from '../../src/bench/stats.js';
import { randomMiniXception, randomSpec } from '../nn/random-mini-xception.js';

suite('bench stats', () => {
  test('summarize: median of odd and even counts, min, max', () => {
    expect(summarize([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, n: 3 });
    expect(summarize([4, 1, 3, 2]).median).to.equal(2.5);
    expect(summarize([]).n).to.equal(0);
  });

  test('roundRobin spreads each runner evenly over the rounds', () => {
    const plan = roundRobin([6, 3, 1]);
    expect(plan).to.have.length(6);
    const rounds = (i: number) => plan.flatMap((r, k) => (r.includes(i) ? [k] : []));
    expect(rounds(0)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(rounds(1)).to.deep.equal([0, 2, 4]);
    expect(rounds(2)).to.deep.equal([0]);
  });

  test('samplesFor clamps to the budget', () => {
    expect(samplesFor(100, 3000, 5, 30)).to.equal(30);
    expect(samplesFor(1000, 3000, 5, 30)).to.equal(5);
    expect(samplesFor(300, 3000, 5, 30)).to.equal(10);
  });

  test('maxAbsDiff: largest difference; a NaN or a length mismatch is Infinity', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).to.equal(1);
    expect(maxAbsDiff([1, NaN], [1, 2])).to.equal(Infinity);
    expect(maxAbsDiff([1], [1, 2])).to.equal(Infinity);
  });
});

suite('bench layers', () => {
  // training/model.py count_flops(ModelConfig().scaled(1.5)): stem 12, widths 24/48/96/192, 48x48 gray.
  const f = randomMiniXception(randomSpec(12, [24, 48, 96, 192]), 3);

  test('modelFlops equals count_flops of the shipped emotion model (23,313,600)', () => {
    expect(modelFlops(f)).to.equal(23_313_600);
  });

  test('the plan has 2 stem convs, 5 dispatches per module and the head; FLOPs add up', () => {
    const layers = modelLayers(f);
    expect(layers.map((l) => l.layer)).to.deep.equal([
      'stem0', 'stem1',
      ...[0, 1, 2, 3].flatMap((i) => ['dw1', 'pw1', 'dw2', 'pw2', 'tail'].map((s) => `block${i}.${s}`)),
      'head',
    ]);
    const head = layers[layers.length - 1];
    // The head kernel folds conv3x3 + mean: 9x fewer FLOPs than the model counts for it.
    const sum = layers.reduce((a, l) => a + layerFlops(l), 0) + 8 * layerFlops(head);
    expect(sum).to.equal(modelFlops(f));
  });

  test('bytes grow with the batch by the activations only', () => {
    for (const d of LARGE_LAYERS) expect(layerBytes(d, 2) - layerBytes(d, 1)).to.equal(layerBytes(d, 3) - layerBytes(d, 2));
  });
});
