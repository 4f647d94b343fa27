import { expect } from '@esm-bundle/chai';
import { grayRGBA, heatmapRGBA, mapRGBA, normaliseSaliency, overlayRGBA, turbo } from './heatmap.js';

suite('heatmap', () => {
  test('normaliseSaliency: magnitude over max (clip 1) or a quantile, clamped; zeros stay zero', () => {
    expect(Array.from(normaliseSaliency([0, -2, 1, 4], 1))).to.deep.equal([0, 0.5, 0.25, 1]);
    const m = Array.from({ length: 101 }, (_, i) => (i === 100 ? 1000 : i / 100));
    const n = normaliseSaliency(m, 0.99); // 99th percentile = 0.99: the outlier clamps to 1
    expect(n[99]).to.equal(1);
    expect(n[100]).to.equal(1);
    expect(n[50]).to.be.closeTo(0.5 / 0.99, 1e-6);
    expect(Array.from(normaliseSaliency([0, 0, 0]))).to.deep.equal([0, 0, 0]);
  });

  test('turbo: dark at 0, blue low, red at 1, clamps outside', () => {
    expect(Math.max(...turbo(0))).to.be.lessThan(60);
    const [r0, , b0] = turbo(0.15);
    expect(b0).to.be.greaterThan(r0 + 100);
    const [r1, g1, b1] = turbo(1);
    expect(r1).to.be.greaterThan(100);
    expect(r1).to.be.greaterThan(g1 + 50);
    expect(r1).to.be.greaterThan(b1);
    expect(turbo(2)).to.deep.equal(turbo(1));
    expect(turbo(-1)).to.deep.equal(turbo(0));
  });

  test('heatmapRGBA: size out×out, alpha follows value × opacity', () => {
    const px = heatmapRGBA([0, 1, 0, 0], 2, 4, 0.5);
    expect(px.length).to.equal(64);
    expect(px[(0 * 4 + 3) * 4 + 3]).to.be.greaterThan(100); // top-right corner: the hot pixel
    expect(px[(3 * 4 + 0) * 4 + 3]).to.equal(0);             // bottom-left: cold, transparent
  });

  test('overlayRGBA: opaque, gray where the map is 0, tinted where it is hot', () => {
    const face = new Uint8Array(4).fill(100);
    const px = overlayRGBA(face, 1, [0, 0, 0, 1], 2, 2, 1);
    expect(Array.from(px.subarray(0, 4))).to.deep.equal([100, 100, 100, 255]);
    expect(Array.from(px.subarray(12, 16))).to.deep.equal([...turbo(1), 255]);
  });

  test('grayRGBA and mapRGBA', () => {
    expect(Array.from(grayRGBA([7, 9]))).to.deep.equal([7, 7, 7, 255, 9, 9, 9, 255]);
    expect(Array.from(grayRGBA([1, 2, 3], 3))).to.deep.equal([1, 2, 3, 255]);
    expect(Array.from(mapRGBA([0, 0.5, 1]))).to.deep.equal([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  });
});
