// The saliency UI pieces: the snapshot card (fixed pixel size, heat map inside the face area), the
// controls' events, the photo view's panel with a fake worker, and the share/download choice.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/ui/saliency/emo-saliency-controls.js';
import '../../src/ui/saliency/emo-saliency-layer.js';
import '../../src/ui/saliency/emo-saliency-panel.js';
import type { SaliencyLayer } from '../../src/ui/saliency/emo-saliency-layer.js';
import type { SaliencySettings, SaliencyControls } from '../../src/ui/saliency/emo-saliency-controls.js';
import type { SaliencyPanel } from '../../src/ui/saliency/emo-saliency-panel.js';
import type { SnapshotButton } from '../../src/ui/snapshot/emo-snapshot-button.js';
import { shareOrDownload } from '../../src/ui/snapshot/share-file.js';
import { CARD_HEIGHT, CARD_WIDTH, cardFaceRect, composeSnapshotCard, snapshotCaption, snapshotFileName, type SnapshotInput } from '../../src/ui/snapshot/snapshot-card.js';
import type { SaliencyAnswer } from '../../src/worker/api.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const PROBS = [0.05, 0.01, 0.04, 0.7, 0.1, 0.05, 0.05];

function face(hot: boolean): SnapshotInput['faces'][number] {
  const crop = new Uint8Array(48 * 48).fill(120);
  const map = new Float32Array(48 * 48);
  if (hot) for (let y = 20; y < 30; y++) for (let x = 10; x < 20; x++) map[y * 48 + x] = y % 2 ? 1 : -1;
  return { crop, size: 48, probs: PROBS, map: hot ? map : undefined, target: hot ? 3 : undefined };
}

/** Pixels whose colour is clearly not gray inside [x, y, side] of the card. */
function tinted(c: OffscreenCanvas, [x, y, side]: [number, number, number]): number {
  const d = c.getContext('2d')!.getImageData(x, y, side, side).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
  return n;
}

const fakeExplain = (calls: (number[] | 'predicted')[]) => async (_gray: Uint8Array, n: number, target: number[] | 'predicted'): Promise<SaliencyAnswer> => {
  calls.push(target);
  const maps = new Float32Array(n * 48 * 48);
  maps[24 * 48 + 24] = 1;
  return { maps, probs: Float32Array.from(PROBS), targets: Int32Array.from({ length: n }, () => (target === 'predicted' ? 3 : target[0])) };
};

suite('snapshot card', () => {
  const time = new Date(2025, 10, 26, 14, 3, 7);

  test('fixed 960×540 whatever the devicePixelRatio; heat map only inside the face area', () => {
    const hot = composeSnapshotCard({ faces: [face(true)], classes: CLASSES, time });
    expect([hot.width, hot.height]).to.deep.equal([CARD_WIDTH, CARD_HEIGHT]);
    const rect = cardFaceRect(0, 1);
    expect(tinted(hot, rect), 'heat map in the face').to.be.greaterThan(100);
    const cold = composeSnapshotCard({ faces: [face(false)], classes: CLASSES, time });
    expect(tinted(cold, rect), 'gray crop without a map').to.equal(0);
  });

  test('three faces side by side, extra faces counted, caption and file name', () => {
    const c = composeSnapshotCard({ faces: [face(true), face(true), face(false), face(false)], classes: CLASSES, time });
    expect(tinted(c, cardFaceRect(1, 3))).to.be.greaterThan(50);
    expect(tinted(c, cardFaceRect(2, 3))).to.equal(0);
    const one = { faces: [{ ...face(true), gender: { label: 'female', p: 0.9 } }], classes: CLASSES, time };
    expect(snapshotCaption(one)).to.equal('emolens, 2025-11-26 14:03: happy 70.0%, female 90.0% (heat map: looking happy).');
    expect(snapshotFileName(time)).to.equal('emolens-20251126-140307.png');
  });
});

suite('saliency controls and panel', () => {
  test('controls fire emo-saliency-change with the new settings', async () => {
    const el = await fixture<SaliencyControls>(html`<emo-saliency-controls .classes=${CLASSES}></emo-saliency-controls>`);
    const seen: SaliencySettings[] = [];
    el.addEventListener('emo-saliency-change', (e) => seen.push((e as CustomEvent<SaliencySettings>).detail));
    el.shadowRoot!.querySelector<HTMLInputElement>('#saliency')!.click();
    await el.updateComplete;
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('#target')!;
    expect(select.disabled).to.equal(false);
    // Grammatical and short: the longest option sets the select's width (issue 14, point 1).
    expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal([
      'the predicted emotion', 'looking angry', 'looking disgusted', 'looking afraid', 'looking happy', 'looking sad', 'looking surprised', 'looking neutral',
    ]);
    select.value = '5';
    select.dispatchEvent(new Event('change'));
    const range = el.shadowRoot!.querySelector<HTMLInputElement>('#opacity')!;
    range.value = '40';
    range.dispatchEvent(new Event('input'));
    expect(seen.map((s) => [s.enabled, s.target, s.opacity])).to.deep.equal([[true, 'predicted', 0.75], [true, 5, 0.75], [true, 5, 0.4]]);
  });

  test('controls fit a 288 px column (a 320 px phone less the card padding) without overflow', async () => {
    const box = await fixture<HTMLDivElement>(html`<div style="width: 288px"><emo-saliency-controls .classes=${CLASSES}></emo-saliency-controls></div>`);
    const el = box.querySelector('emo-saliency-controls')!;
    await el.updateComplete;
    expect(el.scrollWidth).to.be.at.most(288);
    for (const c of el.shadowRoot!.querySelectorAll('label, select, input')) expect(c.getBoundingClientRect().right).to.be.at.most(box.getBoundingClientRect().right + 0.5);
  });

  test('panel: switching on fetches the predicted map, the picker a chosen class; snapshot has the map', async () => {
    const calls: (number[] | 'predicted')[] = [];
    const el = await fixture<SaliencyPanel>(html`<emo-saliency-panel .gray=${new Uint8Array(48 * 48).fill(90)} .classes=${CLASSES}
      .probs=${PROBS} .explain=${fakeExplain(calls)}></emo-saliency-panel>`);
    const controls = el.shadowRoot!.querySelector('emo-saliency-controls')!;
    controls.shadowRoot!.querySelector<HTMLInputElement>('#saliency')!.click();
    await waitUntil(() => el.map, 'no map');
    expect(calls).to.deep.equal(['predicted']);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('emo-saliency-overlay')!.label).to.equal('Heat map: what makes it look happy');
    const select = controls.shadowRoot!.querySelector<HTMLSelectElement>('#target')!;
    select.value = '5';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => el.mapTarget === 5, 'no surprise map');
    expect(calls).to.deep.equal(['predicted', [5]]);

    const snap = el.shadowRoot!.querySelector('emo-snapshot-button') as SnapshotButton;
    snap.shadowRoot!.querySelector<HTMLButtonElement>('#snapshot')!.click();
    await waitUntil(() => snap.snapshot, 'no snapshot');
    await snap.updateComplete;
    expect(snap.shadowRoot!.querySelector('#snapshot-caption')!.textContent).to.contain('heat map: looking surprised');
    const bmp = await createImageBitmap(snap.snapshot!.blob);
    expect([bmp.width, bmp.height]).to.deep.equal([960, 540]);
  });
});

suite('saliency layer', () => {
  /** Alpha-weighted centre of the drawn heat map, in frame pixels. */
  function centre(el: SaliencyLayer): [number, number] {
    const c = el.shadowRoot!.querySelector('canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let sx = 0, sy = 0, sw = 0;
    for (let i = 0; i < d.length; i += 4) {
      const a = d[i + 3], p = i / 4;
      sx += a * (p % c.width); sy += a * Math.floor(p / c.width); sw += a;
    }
    return [sx / sw, sy / sw];
  }

  test('draws each map through its crop transform, mirrored with the preview', async () => {
    const map = new Float32Array(4 * 4);
    map[1 * 4 + 3] = 1; // crop pixel (u 3, v 1): centre (3.5, 1.5)
    const face = { map, size: 4, affine: { a: 10, b: 0, c: 0, d: 10, tx: 20, ty: 30 } }; // crop ×10, at (20, 30)
    const el = await fixture<SaliencyLayer>(html`<div style="position:relative;width:200px;height:100px">
      <emo-saliency-layer .faces=${[face]} .frame=${[200, 100]} .opacity=${1}></emo-saliency-layer></div>`)
      .then((d) => d.querySelector('emo-saliency-layer')!);
    await el.updateComplete;
    const [x, y] = centre(el);
    expect(x).to.be.closeTo(20 + 35, 3);
    expect(y).to.be.closeTo(30 + 15, 3);
    el.mirror = true;
    await el.updateComplete;
    const [mx, my] = centre(el);
    expect(mx).to.be.closeTo(200 - 55, 3);
    expect(my).to.be.closeTo(45, 3);
  });
});

suite('share or download', () => {
  const nav = navigator as Navigator & Record<string, unknown>;
  const saved = { share: Object.getOwnPropertyDescriptor(nav, 'share'), canShare: Object.getOwnPropertyDescriptor(nav, 'canShare') };
  teardown(() => {
    for (const k of ['share', 'canShare'] as const) {
      if (saved[k]) Object.defineProperty(nav, k, saved[k]!);
      else delete nav[k];
    }
  });

  test('shares the PNG file when canShare({files}) allows; cancel is not a download', async () => {
    const shared: File[] = [];
    Object.defineProperty(nav, 'canShare', { configurable: true, value: (d: ShareData) => !!d.files?.length });
    Object.defineProperty(nav, 'share', { configurable: true, value: async (d: ShareData) => { shared.push(...d.files!); } });
    expect(await shareOrDownload(new Blob(['x'], { type: 'image/png' }), 'a.png', 't')).to.equal('shared');
    expect(shared.map((f) => [f.name, f.type])).to.deep.equal([['a.png', 'image/png']]);
    Object.defineProperty(nav, 'share', { configurable: true, value: async () => { throw new DOMException('no', 'AbortError'); } });
    expect(await shareOrDownload(new Blob(['x'], { type: 'image/png' }), 'a.png', 't')).to.equal('cancelled');
  });

  test('downloads when files cannot be shared', async () => {
    Object.defineProperty(nav, 'canShare', { configurable: true, value: () => false });
    const clicked: string[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) { clicked.push(this.download); };
    try {
      expect(await shareOrDownload(new Blob(['x'], { type: 'image/png' }), 'b.png', 't')).to.equal('downloaded');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked).to.deep.equal(['b.png']);
  });
});
