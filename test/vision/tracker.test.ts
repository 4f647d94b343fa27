import { expect } from '@esm-bundle/chai';
import { Tracker, iou, type Observation } from '../../src/vision/tracker.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const HAPPY = [0, 0, 0, 0.9, 0, 0, 0.1];
const NEUTRAL = [0, 0, 0, 0.1, 0, 0, 0.9];

function obs(x: number, y: number, probs = HAPPY, side = 100, gender?: number[]): Observation {
  return { face: { box: [x, y, side, side], score: 0.9, landmarks: [] }, emotion: probs, ...(gender ? { gender } : {}) };
}

suite('tracker', () => {
  test('iou of identical, disjoint and half-overlapping boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).to.equal(1);
    expect(iou([0, 0, 10, 10], [20, 0, 10, 10])).to.equal(0);
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).to.be.closeTo(50 / 150, 1e-12);
  });

  test('two moving faces keep their ids, in any detection order; a new face gets a new id', () => {
    const t = new Tracker(CLASSES);
    const [a, b] = t.update([obs(0, 0), obs(300, 0)]).map((f) => f.track);
    expect(a).to.not.equal(b);
    const r2 = t.update([obs(320, 10), obs(15, 5)]);
    expect(r2.map((f) => f.track)).to.deep.equal([b, a]);
    // A jump with little overlap (55 px for a 100 px face, IoU 0.27) still matches by centre distance.
    const r3 = t.update([obs(70, 5), obs(320, 10), obs(600, 300)]);
    expect(r3[0].track).to.equal(a);
    expect(r3[1].track).to.equal(b);
    expect(r3[2].track).to.be.above(Math.max(a, b));
  });

  test('each track smooths its own probabilities (faces do not share a window)', () => {
    const t = new Tracker(CLASSES, undefined, { alpha: 0.5 });
    t.update([obs(0, 0, HAPPY), obs(300, 0, NEUTRAL)]);
    const r = t.update([obs(0, 0, HAPPY), obs(300, 0, NEUTRAL)]);
    expect(r[0].emotion.probs.happy).to.be.closeTo(0.9, 1e-9);
    expect(r[1].emotion.probs.neutral).to.be.closeTo(0.9, 1e-9);
    const r2 = t.update([obs(0, 0, NEUTRAL), obs(300, 0, NEUTRAL)]);
    expect(r2[0].emotion.probs.happy).to.be.closeTo(0.5, 1e-9); // 0.5·0.9 + 0.5·0.1
    expect(r2[1].emotion.probs.neutral).to.be.closeTo(0.9, 1e-9);
  });

  test('hysteresis: one odd frame does not flip the label; a sustained change does after `hold` frames', () => {
    const t = new Tracker(CLASSES, undefined, { alpha: 0.6, margin: 0.1, hold: 3 });
    expect(t.update([obs(0, 0, HAPPY)])[0].emotion.label).to.equal('happy');
    expect(t.update([obs(0, 0, NEUTRAL)])[0].emotion.label).to.equal('happy'); // leads, streak 1
    expect(t.update([obs(0, 0, HAPPY)])[0].emotion.label).to.equal('happy'); // streak broken
    const labels = [1, 2, 3, 4].map(() => t.update([obs(0, 0, NEUTRAL)])[0].emotion.label);
    expect(labels).to.deep.equal(['happy', 'happy', 'neutral', 'neutral']);
  });

  test('tracks expire after maxGap unseen frames; a face back within the gap keeps its id', () => {
    const t = new Tracker(CLASSES, undefined, { maxGap: 2, reviveFrames: 0 });
    const id = t.update([obs(0, 0)])[0].track;
    t.update([]);
    t.update([]);
    expect(t.update([obs(0, 0)])[0].track).to.equal(id);
    t.update([]);
    t.update([]);
    t.update([]);
    expect(t.size).to.equal(0);
    expect(t.update([obs(0, 0)])[0].track).to.not.equal(id);
  });

  // Issue 13: ids stable when a face turns away for a while or a clip loops (the old tracker gave
  // both new ids: a track unseen for maxGap frames was forgotten).
  test('a face that turned away for longer than maxGap takes its id back at its last place', () => {
    const t = new Tracker(CLASSES, undefined, { maxGap: 8 });
    const [a, b] = t.update([obs(0, 0), obs(300, 0)]).map((f) => f.track);
    for (let k = 0; k < 20; k++) t.update([obs(300, 0)]); // face a turned away for 20 frames
    expect(t.size).to.equal(1);
    const r = t.update([obs(5, 0), obs(300, 0)]);
    expect(r.map((f) => f.track)).to.deep.equal([a, b]);
    expect(t.update([obs(600, 0)]).map((f) => f.track)[0]).to.be.above(b, 'a face at a new place is a new track');
  });

  test('a clip that loops: its faces get the ids of their first pass (matched by media time)', () => {
    const t = new Tracker(CLASSES);
    // 3 s at 5 fps: face 1 walks right 20 px a frame, face 2 stands still; then the clip loops.
    const frame = (i: number) => [obs(20 * i, 0), obs(500, 300)];
    const first = t.update(frame(0), 0).map((f) => f.track);
    for (let i = 1; i < 15; i++) t.update(frame(i), i / 5);
    const again = t.update(frame(0), 0.01).map((f) => f.track);
    expect(again).to.deep.equal(first);
    expect(t.update(frame(1), 0.2).map((f) => f.track)).to.deep.equal(first);
  });

  test('gender is smoothed per track when given and absent from the result when not', () => {
    const t = new Tracker(CLASSES);
    const r = t.update([obs(0, 0, HAPPY, 100, [0.8, 0.2])]);
    expect(r[0].gender).to.deep.equal({ label: 'female', probs: { female: 0.8, male: 0.2 } });
    const r2 = t.update([obs(0, 0)]);
    expect(r2[0]).to.not.have.property('gender');
  });

  test('gender schedule: new track due at once; unsure tracks every frame for the warm-up; then every genderEvery frames; keep reuses', () => {
    const t = new Tracker(CLASSES, ['female', 'male'], { genderEvery: 5, genderWarmup: 3, genderConfident: 0.9 });
    const boxes = [[0, 0, 100, 100], [300, 0, 100, 100]];
    expect(t.genderDue(boxes)).to.deep.equal([true, true]);
    const due: boolean[][] = [];
    for (let f = 0; f < 12; f++) {
      const d = t.genderDue(boxes);
      due.push(d);
      // Face A confident (0.95), face B unsure (0.6).
      const r = t.update([
        { ...obs(0, 0), gender: d[0] ? [0.05, 0.95] : 'keep' },
        { ...obs(300, 0), gender: d[1] ? [0.6, 0.4] : 'keep' },
      ]);
      expect(r[0].gender!.label).to.equal('male');
      expect(r[1].gender!.label).to.equal('female');
    }
    // A: frames 0, 5, 10. B: frames 0, 1, 2 (warm-up, unsure), then 7 (5 after 2).
    expect(due.map((d) => d[0])).to.deep.equal([true, false, false, false, false, true, false, false, false, false, true, false]);
    expect(due.map((d) => d[1])).to.deep.equal([true, true, true, false, false, false, false, true, false, false, false, false]);
    // Frame 12: A not due (last run 10), B due (last run 7), a new face due; gender off ('gender'
    // absent) clears, so both are due again after.
    expect(t.genderDue([...boxes, [600, 300, 100, 100]])).to.deep.equal([false, true, true]);
    t.update([obs(0, 0), obs(300, 0)]);
    expect(t.genderDue(boxes)).to.deep.equal([true, true]);
  });

  test('emotion schedule: a new track due at once, then every `every` frames; keep holds the smoothed label', () => {
    const t = new Tracker(CLASSES);
    const boxes = [[0, 0, 100, 100], [300, 0, 100, 100]];
    expect(t.emotionDue(boxes, 2)).to.deep.equal([true, true]);
    t.update([obs(0, 0), obs(300, 0, NEUTRAL)]);
    expect(t.emotionDue(boxes, 2)).to.deep.equal([false, false]);
    expect(t.emotionDue([...boxes, [600, 300, 100, 100]], 2)).to.deep.equal([false, false, true]);
    expect(t.emotionDue(boxes, 1)).to.deep.equal([true, true]);
    const r = t.update([{ ...obs(0, 0), emotion: 'keep' }, { ...obs(300, 0), emotion: 'keep' }]);
    expect(r.map((f) => f.emotion.label)).to.deep.equal(['happy', 'neutral']);
    expect(r[0].emotion.probs.happy).to.be.closeTo(0.9, 1e-6);
    expect(t.emotionDue(boxes, 2)).to.deep.equal([true, true]);
    expect(() => t.update([{ ...obs(900, 400), emotion: 'keep' }])).to.throw(/new track needs its emotion/);
  });
});
