// Heat maps made by the camera worker (AnalyzeOptions.saliency; src/worker/frame-pipeline.ts
// `heatMaps`): for the first 8 faces of an answer, each face's emotion crop of that very frame (the
// pasted golden face comes back), the emotion model's guided back-propagation of the shown label
// (or of the asked class) equal to the saliency model's own answer on that crop, on WebGPU and on
// the CPU path. Without the option nothing is built or returned.
import { expect } from '@esm-bundle/chai';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { createSaliency } from '../../src/nn/saliency/saliency.js';
import { fetchModel } from '../../src/nn/mini-xception/weights.js';
import type { Detection } from '../../src/vision/tracker.js';
import { type FrameInput, FramePipeline } from '../../src/worker/frame-pipeline.js';
import { assertClose, requestTestDevice } from '../helpers/gpu.js';
import { PASTE, detection, frameWith, goldenFace } from './pasted-faces.js';

const { W, H } = PASTE;

suite('frame-saliency', () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    test(`${backend}: maps of the shown label on each face's crop; a class asked for; at most 8 faces; none unasked`, async () => {
      const device = backend === 'webgpu' ? await requestTestDevice() : undefined;
      const face = await goldenFace();
      const rgba = frameWith(face, 100, 200);
      let input: FrameInput = { width: W, height: H, rgba: new Uint8ClampedArray(rgba.buffer) };
      if (device) {
        const texture = device.createTexture({ size: [W, H], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
        device.queue.writeTexture({ texture }, rgba, { bytesPerRow: W * 4 }, [W, H]);
        input = { texture, width: W, height: H };
      }
      const emo = await fetchModel('/weights', 'emotion');
      const emotion = await createMiniXception(emo.weights, { device, cpu: 'wasm', maxBatch: 16 });
      let built = 0;
      let faces: Detection[] = [detection(100, 200), detection(W - 60, H - 50)];
      const pipeline = new FramePipeline({
        backend,
        device,
        detector: { detect: async () => ({ faces, input }), detectWindows: async () => { throw new Error('not following'); }, dispose: () => undefined },
        emotion,
        emotionClasses: emo.spec.classes,
        gender: async () => { throw new Error('gender is off'); },
        genderClasses: ['female', 'male'],
        saliency: () => (built++, createSaliency(emo.weights, { device, cpu: 'wasm', maxBatch: 8 })),
      });
      const frame = await createImageBitmap(new ImageData(1, 1));
      const plain = await pipeline.analyze(frame, { gender: false });
      expect(plain.saliency).to.equal(undefined);
      expect(built, 'not built unasked').to.equal(0);

      const r = await pipeline.analyze(frame, { gender: false, saliency: { target: 'predicted' } });
      if (!r.saliency || 'error' in r.saliency) throw new Error(`no maps: ${JSON.stringify(r.saliency)}`);
      expect(r.saliency.size).to.equal(48);
      expect(r.saliency.faces.map((h) => h.track)).to.deep.equal(r.faces.map((f) => f.track));
      const first = r.saliency.faces[0];
      assertClose(first.crop, face, 1.01, 'the crop is the pasted face (bytes)');
      const label = emo.spec.classes.indexOf(r.faces[0].emotion.label);
      expect(first.target).to.equal(label);
      const direct = await (await createSaliency(emo.weights, { device, cpu: 'wasm', maxBatch: 8 })).saliency(face, 1, { target: [label] });
      const scale = Math.max(...direct.maps.map(Math.abs));
      assertClose(first.map, direct.maps, 0.02 * scale, 'map vs the saliency model on the face itself');

      const asked = await pipeline.analyze(frame, { gender: false, saliency: { target: 3 } });
      if (!asked.saliency || 'error' in asked.saliency) throw new Error('no maps');
      expect(asked.saliency.faces.map((h) => h.target)).to.deep.equal([3, 3]);

      faces = Array.from({ length: 11 }, (_, i) => detection(5 + 25 * i, 10 + 40 * (i % 3)));
      const many = await pipeline.analyze(frame, { gender: false, reset: true, saliency: { target: 'predicted' } });
      if (!many.saliency || 'error' in many.saliency) throw new Error('no maps');
      expect(many.faces.length).to.equal(11);
      expect(many.saliency.faces.length).to.equal(8);
      expect(built).to.equal(1);
      pipeline.dispose();
      device?.destroy();
    });
  }
});
