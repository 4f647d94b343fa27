// FramePipeline with the real classifiers and a fake detector: a FER-2013 face (from the golden
// fixture) pasted ×3 into an odd-sized frame, the detector "finding" it with the emotion
// template's landmarks, must be cropped back to its own 48×48 pixels and classified as if given
// directly; gender off never builds or runs the gender model. Gender schedule: over a multi-frame
// sequence (CPU path, fake classifiers) the gender model classifies far fewer faces than
// frames × faces, and a new track has a gender on its first frame.
import { expect } from '@esm-bundle/chai';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { fetchModel } from '../../src/nn/mini-xception/weights.js';
import type { Detection } from '../../src/vision/tracker.js';
import { FramePipeline, type FrameInput } from '../../src/worker/frame-pipeline.js';
import { assertClose, withDevice } from '../helpers/gpu.js';
import { PASTE, detection, pastedTexture } from './pasted-faces.js';

const { W, H } = PASTE;

suite('frame-pipeline', () => {
  test('frame 333x517: crop reproduces the pasted face; emotion = direct classify; gender only when on', withDevice(async (device) => {
    const { face, texture } = await pastedTexture(device);
    const [emo, gen] = await Promise.all([fetchModel('/weights', 'emotion'), fetchModel('/weights', 'gender')]);
    const emotion = await createMiniXception(emo.weights, { device, maxBatch: 8 });
    let genderBuilt = 0;
    const seen: Float32Array[] = [];
    const spy = { classify: (p: ArrayLike<number>, n: number) => { seen.push(Float32Array.from(p)); return emotion.classify(p, n); }, dispose: () => emotion.dispose() };
    // Second face hangs over the right and bottom borders: it must be kept (edges replicated).
    const faces = [detection(100, 200), detection(W - 60, H - 50)];
    const pipeline = new FramePipeline({
      backend: 'webgpu',
      device,
      detector: {
        detect: async () => ({ faces, input: { texture, width: W, height: H } as FrameInput }),
        detectWindows: async () => { throw new Error('not following'); },
        dispose: () => undefined,
      },
      emotion: spy,
      emotionClasses: emo.spec.classes,
      gender: async () => { genderBuilt++; return createMiniXception(gen.weights, { device, maxBatch: 8 }); },
      genderClasses: gen.spec.classes,
    });
    const frame = await createImageBitmap(new ImageData(1, 1)); // unused by the fake detector
    const r1 = await pipeline.analyze(frame, { gender: false });
    expect(r1.faces.length).to.equal(2);
    expect([r1.width, r1.height]).to.deep.equal([W, H]);
    assertClose(seen[0].subarray(0, 48 * 48), face, 0.01, 'crop of the pasted face');
    const direct = await emotion.classify(face, 1);
    emo.spec.classes.forEach((c, i) => expect(r1.faces[0].emotion.probs[c]).to.be.closeTo(direct[i], 1e-4));
    expect(r1.faces[0]).to.not.have.property('gender');
    expect(genderBuilt).to.equal(0);
    expect(pipeline.runs).to.deep.equal({ emotion: 1, gender: 0, genderFaces: 0 });
    expect(r1.timings).to.include.keys('detect', 'crop', 'classify', 'total');
    expect(r1.timings).to.not.have.property('gender');

    const r2 = await pipeline.analyze(frame, { gender: true });
    expect(r2.faces.map((f) => f.track)).to.deep.equal(r1.faces.map((f) => f.track));
    const g = r2.faces[0].gender!;
    expect(['female', 'male']).to.include(g.label);
    expect(g.probs.female + g.probs.male).to.be.closeTo(1, 1e-5);
    expect(genderBuilt).to.equal(1);
    expect(pipeline.runs.gender).to.equal(1);
    expect(r2.timings.gender).to.be.a('number');
    pipeline.dispose();
    texture.destroy();
  }));

  test('gender schedule: fewer gender runs than frames × faces; a new track gets a gender on its first frame', async () => {
    const FW = 640, FH = 480, FRAMES = 40;
    const box = (x: number, y: number, side = 120): Detection => ({
      box: [x, y, side, side],
      score: 0.9,
      landmarks: [[x + 0.3 * side, y + 0.4 * side], [x + 0.7 * side, y + 0.4 * side], [x + 0.5 * side, y + 0.6 * side], [x + 0.35 * side, y + 0.8 * side], [x + 0.65 * side, y + 0.8 * side]],
    });
    let frameNo = 0;
    const facesAt = (i: number): Detection[] => [box(40 + i, 60), box(400 - i, 80), ...(i >= 20 ? [box(250, 300)] : [])];
    const rgba = new Uint8ClampedArray(FW * FH * 4).fill(128);
    let genderFaces = 0;
    const pipeline = new FramePipeline({
      backend: 'cpu',
      detector: {
        detect: async () => ({ faces: facesAt(frameNo), input: { width: FW, height: FH, rgba } }),
        detectWindows: async () => { throw new Error('not following'); },
        dispose: () => undefined,
      },
      emotion: { classify: async (_p, n) => new Float32Array(n * 7).fill(1 / 7), dispose: () => undefined },
      emotionClasses: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      gender: async () => ({
        classify: async (p: ArrayLike<number>, n: number) => {
          expect(p.length).to.equal(n * 64 * 64 * 3);
          genderFaces += n;
          return new Float32Array(n * 2).map((_, i) => (i % 2 ? 0.97 : 0.03));
        },
        dispose: () => undefined,
      }),
      genderClasses: ['female', 'male'],
    });
    const frame = await createImageBitmap(new ImageData(1, 1));
    let faceFrames = 0;
    for (frameNo = 0; frameNo < FRAMES; frameNo++) {
      const r = await pipeline.analyze(frame, { gender: true });
      faceFrames += r.faces.length;
      expect(r.faces.every((f) => f.gender?.label === 'male'), `frame ${frameNo}: every face has a gender`).to.equal(true);
      expect(r.timings.gender).to.be.a('number');
      if (frameNo === 20) {
        expect(r.faces[2].track).to.equal(3);
        expect(r.faces[2].gender!.probs.male).to.be.closeTo(0.97, 1e-6);
      }
    }
    // Tracks 1, 2: frames 0, 15, 30 (confident at once: no warm-up runs); track 3: frames 20, 35.
    expect(genderFaces).to.equal(pipeline.runs.genderFaces);
    expect(genderFaces).to.equal(8);
    expect(genderFaces).to.be.below(faceFrames);
    expect(pipeline.runs.emotion).to.equal(FRAMES);
    pipeline.dispose();
  });

  test('the face list keeps its order (by track) while the detector\'s score order swaps', async () => {
    const FW = 320, FH = 240;
    const rgba = new Uint8ClampedArray(FW * FH * 4).fill(128);
    let frameNo = 0;
    const a = detection(20, 40), b = detection(180, 40);
    const pipeline = new FramePipeline({
      backend: 'cpu',
      detector: {
        detect: async () => ({ faces: frameNo % 2 ? [b, a] : [a, b], input: { width: FW, height: FH, rgba } }),
        detectWindows: async () => { throw new Error('not following'); },
        dispose: () => undefined,
      },
      emotion: { classify: async (_p, n) => new Float32Array(n * 7).fill(1 / 7), dispose: () => undefined },
      emotionClasses: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      gender: async () => { throw new Error('gender off'); },
      genderClasses: ['female', 'male'],
    });
    const frame = await createImageBitmap(new ImageData(1, 1));
    for (frameNo = 0; frameNo < 4; frameNo++) {
      const r = await pipeline.analyze(frame, { gender: false });
      expect(r.faces.map((f) => [f.track, f.box[0]]), `frame ${frameNo}`).to.deep.equal([[1, a.box[0]], [2, b.box[0]]]);
    }
    pipeline.dispose();
  });

  test('follow: the full-frame detector on the first frame, every 10th and after a loss; windows around each face (and a lost one) between', async () => {
    const FW = 640, FH = 480;
    const box = (x: number, y: number, side = 80): Detection => ({ box: [x, y, side, side], score: 0.9, landmarks: [[x + 25, y + 30], [x + 55, y + 30], [x + 40, y + 45], [x + 28, y + 60], [x + 52, y + 60]] });
    let frameNo = 0;
    // Two faces drifting right 4 px a frame; the second turns away (not detectable) on frames 13-14.
    const facesAt = (i: number): Detection[] => [box(40 + 4 * i, 60), ...(i === 13 || i === 14 ? [] : [box(300 + 4 * i, 200)])];
    const inside = (f: Detection, [x, y, side]: readonly number[]) => {
      const cx = f.box[0] + f.box[2] / 2, cy = f.box[1] + f.box[3] / 2;
      return cx > x && cx < x + side && cy > y && cy < y + side;
    };
    const calls: string[] = [];
    const rgba = new Uint8ClampedArray(FW * FH * 4).fill(128);
    const pipeline = new FramePipeline({
      backend: 'cpu',
      detector: {
        detect: async () => (calls.push('full'), { faces: facesAt(frameNo), input: { width: FW, height: FH, rgba } }),
        detectWindows: async (_f, windows) => {
          calls.push(`windows ${windows.length}`);
          return { perWindow: windows.map((w) => facesAt(frameNo).filter((f) => inside(f, w))), input: { width: FW, height: FH, rgba } };
        },
        dispose: () => undefined,
      },
      emotion: { classify: async (_p, n) => new Float32Array(n * 7).fill(1 / 7), dispose: () => undefined },
      emotionClasses: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      gender: async () => { throw new Error('gender is off'); },
      genderClasses: ['female', 'male'],
    });
    const frame = await createImageBitmap(new ImageData(1, 1));
    const tracks: number[][] = [];
    let emotionFaces = 0, faceFrames = 0;
    for (frameNo = 0; frameNo < 22; frameNo++) {
      const r = await pipeline.analyze(frame, { gender: false, follow: true });
      tracks.push(r.faces.map((f) => f.track));
      emotionFaces += r.timings.emotionFaces;
      faceFrames += r.faces.length;
      expect(r.faces.map((f) => f.box[0]), `frame ${frameNo}: boxes where the faces are`).to.deep.equal(facesAt(frameNo).map((f) => f.box[0]));
    }
    const full = calls.flatMap((c, i) => (c === 'full' ? [i] : []));
    // 0: start; 10: 10 frames later; 14: face 2 lost on 13 (3 frames after 10). Face 2, away on
    // 13-14, is found again on 15 in its window (a ghost's), so windows until 10 frames after 14.
    expect(full).to.deep.equal([0, 10, 14]);
    expect(calls[1]).to.equal('windows 2');
    expect(calls[13]).to.equal('windows 2');
    expect(tracks[21]).to.deep.equal([1, 2], 'the face that turned away for two frames keeps its id');
    // Following, each face's emotion runs every other frame: about half the face-frames.
    expect(emotionFaces).to.be.within(faceFrames / 2, faceFrames / 2 + 3);
    pipeline.dispose();
  });
});
