// One plain sentence for the page: which backend runs which model, and why. Built from the camera
// pipeline's load answer (face detector, emotion and gender models) and the classifier worker's
// (heat maps and whole-picture reading), which the app loads on the pipeline's backend so the two
// never contradict each other. The worker's own technical reason stays available as a detail.
import type { Backend } from '../../worker/api';

export interface BackendPart {
  backend: Backend;
  /** The worker's technical reason. */
  reason: string;
}

const NAME: Record<Backend, string> = { webgpu: 'the graphics processor (WebGPU)', cpu: 'the main processor (CPU)' };

/** Why, in plain words: the page address, no WebGPU, a timed choice, or WebGPU simply being there. */
export function plainWhy(p: BackendPart, asked: string | null): string {
  if (asked === p.backend) return `the page address asks for it (?backend=${asked})`;
  if (/unavailable|no adapter|navigator\.gpu/i.test(p.reason)) return 'this browser offers no WebGPU';
  if (/timed/i.test(p.reason)) {
    return p.backend === 'cpu'
      ? "this device's WebGPU is a slow software stand-in, and the CPU was faster in a quick test at start"
      : 'both were tried in a quick test at start and WebGPU was faster';
  }
  return p.backend === 'webgpu' ? 'this browser offers WebGPU' : 'WebGPU could not be used here';
}

/**
 * "Face finding, emotion and gender run on the graphics processor (WebGPU), because …; heat maps
 * too." `classifier` undefined = not loaded yet.
 */
export function backendLine(pipeline: BackendPart, classifier: BackendPart | undefined, asked: string | null, gender: boolean): string {
  const models = gender ? 'Face finding, emotion and gender' : 'Face finding and emotion';
  const main = `${models} run on ${NAME[pipeline.backend]}, because ${plainWhy(pipeline, asked)}`;
  if (!classifier) return `${main}.`;
  if (classifier.backend === pipeline.backend) return `${main}; heat maps too.`;
  return `${main}; heat maps run on ${NAME[classifier.backend]}, because ${plainWhy(classifier, asked)}.`;
}
