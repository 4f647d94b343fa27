// Heat maps made by the camera worker (AnalyzeOptions.saliency; src/worker/frame-pipeline.ts
// `heatMaps`): for the first 8 faces of an answer, each face's emotion crop of that very frame (the
// pasted golden face comes back), the emotion model's guided back-propagation of the shown label
// (or of the asked class) equal to the saliency model's own answer on that crop, on WebGPU and on
// the CPU path. Without the option nothing is built or returned.
import { expect } from '@esm-bundle/chai';
import { cropResizeRef, tapsFor } from '../../src/kernels/crop-resize.ref.js';
import { affineScale } from '../../src/kernels/types.js';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { createSaliency } from '../../src/nn/saliency/saliency.js';
import { fetchModel } from '../../src/nn/mini-xception/weights.js';
import type { Detection } from '../../src/vision/tracker.js';
import { type FrameInput, FramePipeline } from '../../src/worker/frame-pipeline.js';
import { assertClose, counting, requestTestDevice } from '../helpers/gpu.js';
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
        detector: { detect: async () => ({ faces, input }), detectWindows: async (_, windows) => ({
          // The faces whose centre lies in each window (a detector that finds them again where they were).
          perWindow: windows.map(([x, y, side]) => faces.filter(({ box: [bx, by, bw, bh] }) => bx + bw / 2 >= x && bx + bw / 2 < x + side && by + bh / 2 >= y && by + bh / 2 < y + side)),
          input,
        }), dispose: () => undefined },
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
      for (const h of r.saliency.faces) {
        // Each map's crop is its own face's, cut from this frame (the reference crop of its affine).
        const want = new Float32Array(48 * 48);
        cropResizeRef({ data: rgba, width: W, height: H }, h.affine, 48, 1, tapsFor(affineScale(h.affine)), want);
        assertClose(h.crop, want, 1.01, `crop of track ${h.track}`);
      }
      const label = emo.spec.classes.indexOf(r.faces[0].emotion.label);
      expect(first.target).to.equal(label);
      const direct = await (await createSaliency(emo.weights, { device, cpu: 'wasm', maxBatch: 8 })).saliency(face, 1, { target: [label] });
      const scale = Math.max(...direct.maps.map(Math.abs));
      assertClose(first.map, direct.maps, 0.02 * scale, 'map vs the saliency model on the face itself');

      // WebGPU: the maps come from the classifiers' own submission (the same crops), one readback.
      expect(r.timings.saliencyFused ?? 0, 'heat maps in the frame pass').to.equal(backend === 'webgpu' ? 1 : 0);
      const askedRun = device ? await counting(device, () => pipeline.analyze(frame, { gender: false, saliency: { target: 3 } })) : { value: await pipeline.analyze(frame, { gender: false, saliency: { target: 3 } }), submits: 0, maps: 0 };
      if (device) expect([askedRun.submits, askedRun.maps], 'submissions, readbacks of a frame with heat maps').to.deep.equal([1, 1]);
      const asked = askedRun.value;
      if (!asked.saliency || 'error' in asked.saliency) throw new Error('no maps');
      expect(asked.saliency.faces.map((h) => h.target)).to.deep.equal([3, 3]);
      const direct3 = await (await createSaliency(emo.weights, { device, cpu: 'wasm', maxBatch: 8 })).saliency(face, 1, { target: [3] });
      assertClose(asked.saliency.faces[0].map, direct3.maps, 0.02 * Math.max(...direct3.maps.map(Math.abs)), 'map of class 3 vs the saliency model');

      // Following faces, every face still gets its map on every frame (all are classified when maps are asked).
      for (let i = 0; i < 3; i++) {
        const f = await pipeline.analyze(frame, { gender: false, follow: true, saliency: { target: 'predicted' } });
        if (!f.saliency || 'error' in f.saliency) throw new Error('no maps while following');
        expect(f.saliency.faces.map((h) => h.track), `frame ${i}`).to.deep.equal(f.faces.map((x) => x.track));
        f.saliency.faces.forEach((h, j) => expect(h.target, `frame ${i} face ${j}: the shown label`).to.equal(emo.spec.classes.indexOf(f.faces[j].emotion.label)));
      }

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
