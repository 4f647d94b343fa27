// The InferenceApi object the worker exposes: the photo classifier's engine and the camera
// pipeline's (face detection is the pipeline with its classifiers off), with the real model loader;
// results transferred (not copied) back to the page.
import { transfer } from 'comlink';
import type { InferenceApi } from './api';
import { InferenceEngine } from './inference-engine';
import { createDetector } from './detector-adapter';
import { loadModel } from './model-loader';
import { PipelineEngine } from './pipeline-engine';

// Weights resolve next to the worker's own script (dist/inference.worker.js → dist/weights/).
const engine = new InferenceEngine(loadModel, undefined, import.meta.url);
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
    pipeline.subscribe(callback);
  },
  loadPipeline: (options) => pipeline.load(options),
  loadGender: () => pipeline.loadGender(),
  analyzeFrame: (frame, opts) => pipeline.analyzeFrame(frame, opts),
  detectFaces: (frame, options) => pipeline.detectFaces(frame, options),
  loseDevice: () => pipeline.loseDevice(),
};

