// One plain sentence for the page: which backend runs which model, and why. Built from the camera
// pipeline's load answer (face detector, emotion and gender models) and the classifier worker's
// (heat maps and whole-picture reading), which the app loads on the emotion model's backend so the
// two never contradict each other. The pipeline may put the face detector and the classifiers on
// different backends (each timed at load on a software adapter): the line then names both. The worker's own technical reason stays available as a detail.
import type { Backend } from '../../worker/api';

export interface BackendPart {
  backend: Backend;
  /** The camera pipeline's backend per stage (absent for the classifier worker). */
  stages?: { detector: Backend; emotion: Backend; gender: Backend };
  /** The worker's technical reason. */
  reason: string;
}

const NAME: Record<Backend, string> = {
  webgpu: 'the graphics processor (WebGPU)',
  wasm: 'the main processor (CPU, WebAssembly)',
  cpu: 'the main processor (CPU)',
};

const split = (p: BackendPart) => Boolean(p.stages && p.stages.detector !== p.stages.emotion);

/** Why, in plain words: the page address, no WebGPU, a timed choice, or WebGPU simply being there. */
export function plainWhy(p: BackendPart, asked: string | null): string {
  if (asked === p.backend) return `the page address asks for it (?backend=${asked})`;
  if (/unavailable|no adapter|navigator\.gpu/i.test(p.reason)) return 'this browser offers no WebGPU';
  // A choice measured at an earlier load on this device, reused (src/ui/camera/backend-memory.ts).
  if (/Reused:/.test(p.reason)) {
    return 'a quick test at an earlier start on this device found it faster (reused; tested again when the app or the graphics adapter changes)';
  }
  // 'timed' (the classifier worker), or the pipeline's per-stage timings ("412 ms a frame; WebGPU 1310 ms").
  if (/timed|ms a (frame|face);/i.test(p.reason)) {
    if (split(p)) return "this device's WebGPU is a slow software stand-in, and each model runs where it was faster in a quick test at start";
    return p.backend !== 'webgpu'
      ? "this device's WebGPU is a slow software stand-in, and the CPU was faster in a quick test at start"
      : 'both were tried in a quick test at start and WebGPU was faster';
  }
  if (split(p)) return 'each model runs where it was faster in a quick test at start';
  return p.backend === 'webgpu' ? 'this browser offers WebGPU' : 'WebGPU could not be used here';
}

/**
 * "Face finding, emotion and gender run on the graphics processor (WebGPU), because …; heat maps
 * too." `classifier` undefined = not loaded yet.
 */
export function backendLine(pipeline: BackendPart, classifier: BackendPart | undefined, asked: string | null, gender: boolean, threads?: WasmThreads): string {
  const line = modelsLine(pipeline, classifier, asked, gender);
  const st = pipeline.stages;
  const onWasm = [pipeline.backend, classifier?.backend, st?.detector, st?.emotion, st?.gender].includes('wasm');
  return onWasm && threads ? `${line} ${threadsSentence(threads)}` : line;
}

/** The wasm kernels' threads as the workers use them (src/kernels/wasm/thread-count.ts appWasmThreads). */
export interface WasmThreads { count: number; why: string | null }

/** "The CPU path uses 4 threads." / "The CPU path uses one thread, because the page is not cross-origin isolated." */
export function threadsSentence(t: WasmThreads): string {
  if (t.count > 1) return `The CPU path uses ${t.count} threads.`;
  return t.why ? `The CPU path uses one thread, because ${t.why}.` : 'The CPU path uses one thread.';
}

function modelsLine(pipeline: BackendPart, classifier: BackendPart | undefined, asked: string | null, gender: boolean): string {
  const st = pipeline.stages;
  const why = plainWhy(pipeline, asked);
  const main = st && split(pipeline)
    ? `Face finding runs on ${NAME[st.detector]} and ${gender ? 'emotion and gender' : 'emotion'} on ${NAME[st.emotion]}, because ${why}`
    : `${gender ? 'Face finding, emotion and gender' : 'Face finding and emotion'} run on ${NAME[pipeline.backend]}, because ${why}`;
  if (!classifier) return `${main}.`;
  const emotionOn = st?.emotion ?? pipeline.backend;
  if (classifier.backend === emotionOn) return split(pipeline) ? `${main}; heat maps run beside emotion.` : `${main}; heat maps too.`;
  return `${main}; heat maps run on ${NAME[classifier.backend]}, because ${plainWhy(classifier, asked)}.`;
}
