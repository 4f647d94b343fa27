// The share card from the live view: the faces cut in colour from the analysed frame's pixels, track
// ids, heat maps only when on, the right count of faces not shown, a short caption.
import { expect } from '@open-wc/testing';
import { cameraSnapshot, type HeatMap } from '../../src/ui/snapshot/camera-snapshot.js';
import { CARD_MAX_FACES, cardFaceRect, composeSnapshotCard, photoCropRect, snapshotCaption } from '../../src/ui/snapshot/snapshot-card.js';
import type { PipelineResult } from '../../src/worker/api.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const COLOURS = ['#d02020', '#20a040', '#2040d0', '#c0a000', '#a020a0', '#00a0a0', '#806040', '#404040', '#e07000', '#7070ff', '#30d0d0'];

/** A 640×480 frame with 11 faces, each a square of its own colour; face i is larger for smaller i. */
async function frame(): Promise<{ image: ImageBitmap; result: PipelineResult }> {
  const c = new OffscreenCanvas(640, 480);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 640, 480);
  const faces = COLOURS.map((colour, i) => {
    const side = 90 - i * 6, x = 20 + (i % 4) * 155, y = 20 + Math.floor(i / 4) * 150;
    // A generous margin of the same colour, so the card's 1.6× crop is one colour too.
    ctx.fillStyle = colour;
    ctx.fillRect(x - side * 0.4, y - side * 0.4, side * 1.8, side * 1.8);
    const probs = Object.fromEntries(CLASSES.map((k) => [k, k === 'happy' ? 0.82 : 0.03]));
    return { box: [x, y, side, side] as [number, number, number, number], score: 0.9, landmarks: [], track: 11 - i, emotion: { label: 'happy', probs } };
  });
  return { image: await createImageBitmap(c), result: { faces, width: 640, height: 480, timings: {}, backend: 'cpu' } };
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Mean colour of the middle half of a card rect. */
function meanColour(card: OffscreenCanvas, [x, y, side]: [number, number, number]): number[] {
  const d = card.getContext('2d')!.getImageData(x + side / 4, y + side / 4, side / 2, side / 2).data;
  const m = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) m[k] += d[i + k];
  return m.map((v) => v / (d.length / 4));
}

suite('share card from the live view', () => {
  test('the three largest faces, in colour from the analysed frame, in track order; the other 8 counted', async () => {
    const a = await frame();
    const input = cameraSnapshot(a, CLASSES, () => undefined, 0.75, new Date(2026, 0, 2, 3, 4, 5))!;
    // Faces 0, 1, 2 are the largest (tracks 11, 10, 9), shown as #9, #10, #11.
    expect(input.faces.map((f) => f.track)).to.deep.equal([9, 10, 11]);
    expect(input.total).to.equal(11);
    const card = composeSnapshotCard(input);
    input.faces.forEach((f, i) => {
      const want = rgb(COLOURS[11 - f.track!]);
      const got = meanColour(card, cardFaceRect(i, CARD_MAX_FACES));
      got.forEach((v, k) => expect(Math.abs(v - want[k]), `face #${f.track} channel ${k}: ${got} vs ${want}`).to.be.below(12));
    });
    expect(snapshotCaption(input)).to.equal('emolens, 2026-01-02 03:04: #9 happy 82.0%; #10 happy 82.0%; #11 happy 82.0%; 8 faces more.');
    a.image.close();
  });

  test('heat maps only when on: no map → no inset and no method note; with maps → an inset of tinted pixels', async () => {
    const a = await frame();
    const off = cameraSnapshot(a, CLASSES, () => undefined, 0.75)!;
    expect(off.faces.every((f) => f.map === undefined)).to.equal(true);
    const map = new Float32Array(48 * 48).fill(0);
    for (let p = 0; p < 48 * 20; p++) map[p] = 1;
    const heat: HeatMap = { crop: new Uint8Array(48 * 48).fill(128), size: 48, map, target: 3 };
    const on = cameraSnapshot(a, CLASSES, () => heat, 0.75)!;
    expect(on.faces.every((f) => f.map === map)).to.equal(true);
    const [x, y, side] = cardFaceRect(0, 3);
    const inset = Math.round(side * 0.38);
    const corner = (c: OffscreenCanvas) => c.getContext('2d')!.getImageData(x + side - inset - 6, y + side - inset - 6, inset, inset).data;
    const gray = (d: Uint8ClampedArray) => { let n = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) < 6 && Math.abs(d[i + 1] - d[i + 2]) < 6 && d[i] > 100 && d[i] < 160) n++; return n; };
    expect(gray(corner(composeSnapshotCard(off))), 'no gray model crop when heat maps are off').to.equal(0);
    expect(gray(corner(composeSnapshotCard(on))), 'the model crop inset when on').to.be.above(50);
    a.image.close();
  });

  test('the crop around a face stays inside the frame', () => {
    expect(photoCropRect([0, 0, 50, 50], 640, 480)).to.deep.equal([0, 0, 80]);
    expect(photoCropRect([600, 440, 40, 40], 640, 480)).to.deep.equal([576, 416, 64]);
  });
});
