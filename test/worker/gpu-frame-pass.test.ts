// The camera's one-submission frame pass (src/worker/gpu-frame-pass.ts): crops, their mirrors,
// emotion and gender in one GPU submission with one readback, answering what the step-by-step path
// (crops read back, mirrored on the CPU, each model in turn) answers. The mirror crop transform
// gives the crop read right to left. More faces than a pass takes fall back to the step-by-step path.
import { expect } from '@esm-bundle/chai';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { fetchModel } from '../../src/nn/mini-xception/weights.js';
import { cropResizeRef, tapsFor } from '../../src/kernels/crop-resize.ref.js';
import { affineScale } from '../../src/kernels/types.js';
import type { Detection } from '../../src/vision/tracker.js';
import { type FrameInput, FramePipeline, type PipelineClassifier } from '../../src/worker/frame-pipeline.js';
import { mirrorAffine } from '../../src/worker/gpu-frame-pass.js';
import { counting, withDevice } from '../helpers/gpu.js';
import { PASTE, detection, pastedTexture } from './pasted-faces.js';

const { W, H } = PASTE;

suite('gpu-frame-pass', () => {
  test('mirrorAffine: the crop read right to left (random frame, rotated and scaled crops, gray and RGB)', () => {
    const w = 97, h = 61;
    const data = new Uint8ClampedArray(w * h * 4).map(() => Math.floor(Math.random() * 256));
    const img = { data, width: w, height: h };
    for (const [size, channels] of [[48, 1], [64, 3]] as const) {
      for (let t = 0; t < 4; t++) {
        const th = Math.random() * 0.8 - 0.4, s = 0.3 + Math.random() * 2;
        const m = { a: s * Math.cos(th), b: -s * Math.sin(th), c: s * Math.sin(th), d: s * Math.cos(th), tx: Math.random() * 40, ty: Math.random() * 20 };
        const taps = tapsFor(affineScale(m));
        const crop = new Float32Array(size * size * channels), mirror = new Float32Array(size * size * channels);
        cropResizeRef(img, m, size, channels, taps, crop);
        cropResizeRef(img, mirrorAffine(m, size), size, channels, taps, mirror);
        let worst = 0;
        for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < channels; c++) {
          worst = Math.max(worst, Math.abs(mirror[(y * size + x) * channels + c] - crop[(y * size + size - 1 - x) * channels + c]));
        }
        expect(worst, `size ${size} try ${t}`).to.be.below(1e-3);
      }
    }
  });

  test('one submission, one readback: emotion and gender as the step-by-step path answers them; too many faces fall back', withDevice(async (device) => {
    const { texture } = await pastedTexture(device);
    const [emo, gen] = await Promise.all([fetchModel('/weights', 'emotion'), fetchModel('/weights', 'gender')]);
    const MAX = 4;
    const emotion = await createMiniXception(emo.weights, { device, maxBatch: MAX });
    const gender = await createMiniXception(gen.weights, { device, maxBatch: MAX });
    let faces: Detection[] = [detection(100, 200), detection(W - 60, H - 50), detection(10, 10)];
    const make = (fused: boolean) => {
      // Without gpuPass a classifier is used through classify(): the step-by-step path.
      const hide = (c: PipelineClassifier): PipelineClassifier => (fused ? c : { classify: (p, n) => c.classify(p, n), dispose: () => undefined });
      return new FramePipeline({
        backend: 'webgpu',
        device,
        detector: {
          detect: async () => ({ faces, input: { texture, width: W, height: H } as FrameInput }),
          detectWindows: async () => { throw new Error('not following'); },
          dispose: () => undefined,
        },
        emotion: hide(emotion),
        emotionClasses: emo.spec.classes,
        gender: async () => hide({ classify: (p, n) => gender.classifyOutputs(p, n), gpuPass: () => gender.gpuPass(), dispose: () => undefined }),
        genderClasses: gen.spec.classes,
      });
    };
    const frame = await createImageBitmap(new ImageData(1, 1));
    const fused = make(true), stepwise = make(false);
    await fused.analyze(frame, { gender: true }); // builds the pipelines and the gender model
    await stepwise.analyze(frame, { gender: true });
    fused.tracker.reset();
    stepwise.tracker.reset();
    const one = await counting(device, () => fused.analyze(frame, { gender: true }));
    const ref = await stepwise.analyze(frame, { gender: true });
    expect(one.value.timings.fused).to.equal(1);
    expect(ref.timings.fused).to.equal(0);
    expect([one.submits, one.maps], 'submissions, readbacks').to.deep.equal([1, 1]);
    expect(one.value.faces.length).to.equal(3);
    one.value.faces.forEach((f, i) => {
      const g = ref.faces[i];
      for (const c of emo.spec.classes) expect(f.emotion.probs[c], `face ${i} ${c}`).to.be.closeTo(g.emotion.probs[c], 2e-3);
      for (const c of gen.spec.classes) expect(f.gender!.probs[c], `face ${i} ${c}`).to.be.closeTo(g.gender!.probs[c], 2e-3);
    });
    // Gender off: still one submission; no gender in the answer.
    const off = await counting(device, () => fused.analyze(frame, { gender: false }));
    expect([off.submits, off.maps, off.value.timings.fused]).to.deep.equal([1, 1, 1]);
    expect(off.value.faces.every((f) => f.gender === undefined)).to.equal(true);
    // More faces than a pass takes (MAX): the step-by-step path, same answers as before for the first face.
    faces = Array.from({ length: MAX + 2 }, (_, i) => detection(10 + 30 * i, 200));
    const many = await fused.analyze(frame, { gender: false, reset: true });
    expect(many.timings.fused).to.equal(0);
    expect(many.faces.length).to.equal(MAX + 2);
    fused.dispose();
    stepwise.dispose();
    gender.dispose();
    texture.destroy();
  }));
});
