// dist/detector-page.js: a page without UI that test/e2e/yunet-parity.test.mjs and
// tools/bench-detector.mjs drive through puppeteer (built by tools/detector-page.mjs). It runs the
// YuNet detector on the main thread (both backends, with its input tensor and raw heads) and through
// the worker's detectFaces verb (the camera pipeline with its classifiers off), on images sent as base64.
import { DEFAULT_MAX_SIDE, createYunet, type DetectOptions, type FaceDetector } from '../../src/nn/yunet/yunet.js';
import { YunetGpuPlan } from '../../src/nn/yunet/yunet-gpu.js';
import { type YunetModel, fetchYunet } from '../../src/nn/yunet/yunet-weights.js';
import { requestGpuDevice } from '../../src/gpu/device.js';
import type { PipelineInfo, PipelineInit } from '../../src/worker/api.js';
import { createPipelineClient, type PipelineClient } from '../../src/worker/pipeline-client.js';
import { type DetectorGeometry, detectorGeometry } from '../../src/vision/yunet-decode.js';
import type { Face } from '../../src/vision/types.js';

type Backend = 'webgpu' | 'wasm' | 'cpu';

export interface Inspected {
  faces: Face[];
  geometry: DetectorGeometry;
  /** Float32 bytes as base64: the input tensor [padH, padW, 3] and the packed heads. */
  input: string;
  heads: string;
}

export interface DetectorPageApi {
  inspect(image: string, backend: Backend, options?: DetectOptions): Promise<Inspected>;
  /** ms per frame of detect() on the main thread, over `reps` passes of the frames (after a warm-up). */
  bench(frames: string[], backend: Backend, reps: number): Promise<{ ms: number; faces: number[] }>;
  workerLoad(options: PipelineInit): Promise<PipelineInfo>;
  workerDetect(image: string, options?: DetectOptions): Promise<Face[]>;
  /** ms per frame of the worker's detectFaces verb (bitmap made and transferred per call, as the camera does). */
  workerBench(frames: string[], reps: number): Promise<{ ms: number; faces: number[] }>;
  /** Per-dispatch times of the WebGPU plan for this image's size. */
  profile(image: string): Promise<{ name: string; ms: number }[]>;
}

declare global {
  interface Window {
    detectorPage?: DetectorPageApi;
  }
}

/**
 * Decodes an image without colour management (colorSpaceConversion 'none'), as OpenCV's imread
 * and ffmpeg do: person_cropped_2.png carries an ICC profile, which would otherwise be applied
 * (differently by the 2D canvas and by copyExternalImageToTexture: up to 1 level apart).
 */
function bitmap(base64: string): Promise<ImageBitmap> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return createImageBitmap(new Blob([bytes]), { colorSpaceConversion: 'none' });
}

function floatsBase64(f: Float32Array): string {
  const u = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
  return btoa(s);
}

let model: Promise<YunetModel> | undefined;
const detectors = new Map<Backend, Promise<FaceDetector>>();
function detector(backend: Backend): Promise<FaceDetector> {
  model ??= fetchYunet(new URL('./weights/', location.href).href);
  let d = detectors.get(backend);
  if (!d) {
    d = (async () => {
      if (backend !== 'webgpu') return createYunet(await model!, { cpu: backend });
      const r = await requestGpuDevice('detector-page');
      if (!r.device) throw new Error(r.reason);
      return createYunet(await model!, { device: r.device });
    })();
    detectors.set(backend, d);
  }
  return d;
}

let client: PipelineClient | undefined;

const api: DetectorPageApi = {
  async inspect(image, backend, options) {
    const bmp = await bitmap(image);
    const r = await (await detector(backend)).inspect(bmp, options);
    bmp.close();
    return { faces: r.faces, geometry: r.geometry, input: floatsBase64(r.input), heads: floatsBase64(r.heads) };
  },
  async bench(frames, backend, reps) {
    const d = await detector(backend);
    const bmps = await Promise.all(frames.map(bitmap));
    await d.detect(bmps[0]);
    const faces: number[] = [];
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) for (const b of bmps) faces.push((await d.detect(b)).length);
    const ms = (performance.now() - t0) / (reps * bmps.length);
    for (const b of bmps) b.close();
    return { ms, faces };
  },
  async workerLoad(options) {
    client?.terminate();
    client = createPipelineClient();
    return client.load(options);
  },
  async workerDetect(image, options) {
    if (!client) throw new Error('workerLoad first');
    return client.detectFaces!(await bitmap(image), options);
  },
  async workerBench(frames, reps) {
    if (!client) throw new Error('workerLoad first');
    const blobs = frames.map((f) => Uint8Array.from(atob(f), (c) => c.charCodeAt(0)));
    const decode = (b: Uint8Array<ArrayBuffer>) => createImageBitmap(new Blob([b]), { colorSpaceConversion: 'none' });
    await client.detectFaces!(await decode(blobs[0]));
    const faces: number[] = [];
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      for (const b of blobs) faces.push((await client.detectFaces!(await decode(b))).length);
    }
    return { ms: (performance.now() - t0) / (reps * blobs.length), faces };
  },
  profile: (image) => profile(image),
};

async function profile(image: string): Promise<{ name: string; ms: number }[]> {
  const bmp = await bitmap(image);
  const det = await detector('webgpu');
  await det.detect(bmp);
  const size = { w: bmp.width, h: bmp.height };
  bmp.close();
  const m = await model!;
  const r = await requestGpuDevice('detector-page.profile');
  if (!r.device) throw new Error(r.reason);
  const g = detectorGeometry(size.w, size.h, DEFAULT_MAX_SIDE);
  const plan = await YunetGpuPlan.create(r.device, m, g.padW, g.padH);
  const out = await plan.profile();
  plan.dispose();
  r.device.destroy();
  return out;
}

window.detectorPage = api;
document.documentElement.dataset.ready = 'true';
