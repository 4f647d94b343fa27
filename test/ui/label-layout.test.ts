import { expect } from '@open-wc/testing';
import { type LabelRequest, layoutLabels, overlaps } from '../../src/ui/camera/label-layout.js';
import { hudText } from '../../src/ui/camera/hud-text.js';
import { loadFailure } from '../../src/ui/camera/load-failure.js';

/** ~7 px a character at 12 px, as system-ui roughly measures. */
const measure = (t: string, px: number) => t.length * px * 0.58;
const req = (i: number, box: [number, number, number, number]): LabelRequest => ({ box, caption: `#${i} happy 82%, male 91%`, id: `#${i}` });

function assertNoOverlap(labels: { rect: [number, number, number, number] }[]) {
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    expect(overlaps(labels[i].rect, labels[j].rect), `labels ${i} and ${j} overlap`).to.equal(false);
  }
}

suite('label layout', () => {
  test('two large faces: full labels (bars) below each face, inside the view, text ≥ 12 CSS px', () => {
    const labels = layoutLabels([req(1, [20, 20, 100, 120]), req(2, [200, 20, 100, 120])], [360, 300], 7, measure);
    expect(labels.map((l) => l.form)).to.deep.equal(['full', 'full']);
    expect(labels[0].rect[1]).to.equal(142); // just below its box
    for (const l of labels) {
      expect(l.font).to.be.at.least(12);
      expect(l.rect[0]).to.be.at.least(0);
      expect(l.rect[0] + l.rect[2]).to.be.at.most(360);
    }
    assertNoOverlap(labels);
  });

  test('a crowd of 11 small faces in a 358 px picture (race.jpg on a phone): ids only, none overlapping, all placed', () => {
    const faces = Array.from({ length: 11 }, (_, i) => req(i + 1, [20 + (i % 6) * 22, 10 + Math.floor(i / 6) * 18, 14, 18]));
    const labels = layoutLabels(faces, [358, 240], 7, measure);
    expect(labels.length).to.equal(11);
    expect(new Set(labels.map((l) => l.form))).to.deep.equal(new Set(['id']));
    assertNoOverlap(labels);
    expect(Math.min(...labels.map((l) => l.font))).to.be.at.least(12);
  });

  test('four mid-size faces side by side: one-line labels that do not overlap although the faces nearly touch', () => {
    const faces = [0, 1, 2, 3].map((i) => req(i + 1, [10 + i * 45, 50, 40, 40]));
    const labels = layoutLabels(faces, [200, 150], 7, measure);
    expect(labels.length).to.equal(4);
    expect(labels.every((l) => l.form === 'compact' || l.form === 'id')).to.equal(true);
    assertNoOverlap(labels);
  });

  test('no room at all: the face gets no label rather than an overlapping one', () => {
    const labels = layoutLabels([req(1, [0, 0, 10, 10]), req(2, [0, 0, 10, 10])], [30, 20], 7, measure);
    expect(labels.length).to.equal(1);
  });
});

suite('HUD text', () => {
  test('a photo has no frame rate; a video shows none until measured, never "0.0 fps"', () => {
    const n = { fps: 0, detectMs: 12, classifyMs: 30.4, faces: 1 };
    expect(hudText(true, n)).to.equal('Photo · 1 face · detect 12 ms · classify 30 ms');
    expect(hudText(false, n)).to.not.contain('0.0 fps');
    expect(hudText(false, { ...n, fps: 1.26, faces: 3 })).to.equal('1.3 fps · 3 faces · detect 12 ms · classify 30 ms');
  });
});

suite('load failure', () => {
  test('?backend=webgpu without WebGPU: says so plainly and offers the same page on the CPU', () => {
    const f = loadFailure('WebGPU unavailable: navigator.gpu is missing', 'https://x.test/app/?backend=webgpu#top', false)!;
    expect(f.text).to.match(/asks for WebGPU.*does not offer WebGPU/);
    expect(f.cpuUrl).to.equal('https://x.test/app/?backend=wasm#top');
    expect(loadFailure('boom', 'https://x.test/?backend=wasm', true)!.cpuUrl).to.equal('https://x.test/?backend=cpu');
    expect(loadFailure('', 'https://x.test/')).to.equal(undefined);
    expect(loadFailure('boom', 'https://x.test/?backend=cpu', true)!.cpuUrl).to.equal(undefined);
  });
});
