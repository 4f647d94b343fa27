// The InferenceApi object the worker exposes: the engine with the real model loader, results
// transferred (not copied) back to the page.
import { transfer } from 'comlink';
import type { InferenceApi } from './api';
import { DetectorEngine } from './detector-engine';
import { InferenceEngine } from './inference-engine';
import { createDetector } from './detector-adapter';
import { loadModel } from './model-loader';
import { PipelineEngine } from './pipeline-engine';

// Weights resolve next to the worker's own script (dist/inference.worker.js → dist/weights/).
const engine = new InferenceEngine(loadModel, undefined, import.meta.url);
const detector = new DetectorEngine(undefined, undefined, undefined, import.meta.url);
const pipeline = new PipelineEngine(loadModel, createDetector, undefined, import.meta.url);

export const workerApi: InferenceApi = {
  load: (options) => engine.load(options),
  async classify(crops) {
    const probs = await engine.classify(crops);
    return transfer(probs, [probs.buffer]);
  },
  async saliency(request) {
    const r = await engine.saliency(request);
    return transfer(r, [r.maps.buffer, r.probs.buffer, r.targets.buffer]);
  },
  subscribe: (callback) => {
    engine.subscribe(callback);
    detector.subscribe(callback);
    pipeline.subscribe(callback);
  },
  loadDetector: (options) => detector.load(options),
  async detect(frame, options) {
    try {
      return await detector.detect(frame, options);
    } finally {
      frame.close();
    }
  },
  loadPipeline: (options) => pipeline.load(options),
  loadGender: () => pipeline.loadGender(),
  analyzeFrame: (frame, opts) => pipeline.analyzeFrame(frame, opts),
  loseDevice: () => pipeline.loseDevice(),
};

