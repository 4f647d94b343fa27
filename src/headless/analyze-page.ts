// dist/analyze.js: the page tools/analyze.mjs and tools/bench-pipeline.mjs drive through
// puppeteer. No UI; window.emolensAnalyze runs photos and video frames through the same worker
// pipeline as emo-camera-view (detect → crops → emotion (+ gender) → tracker) and, on request,
// draws the same overlay onto the frame and returns it as a PNG (base64).
//
// Videos are decoded here, by the browser: an HTMLVideoElement seeked to the middle of each frame
// (frame i at (i + 0.5) / fps; the caller passes fps, from ffprobe, or 30).
import type { AnalyzeOptions, PipelineInfo, PipelineInit, PipelineResult } from '../worker/api';
import { createPipelineClient, type PipelineClient } from '../worker/pipeline-client';
import { drawOverlay } from '../ui/camera/face-overlay';

export interface FrameAnswer {
  result: PipelineResult;
  /** The annotated frame, PNG as base64, when asked for. */
  png?: string;
}

export interface VideoInfo {
  width: number;
  height: number;
  duration: number;
}

export interface AnalyzePageApi {
  load(options?: PipelineInit): Promise<PipelineInfo>;
  /** One photo (bytes as base64): the tracker starts afresh. */
  image(base64: string, name: string, opts: AnalyzeOptions & { annotate?: boolean }): Promise<FrameAnswer>;
  /** Opens a video (bytes as base64) for videoFrame(). */
  openVideo(base64: string, name: string): Promise<VideoInfo>;
  /** The frame shown at `time` seconds of the open video; `reset` on the first frame. */
  videoFrame(time: number, opts: AnalyzeOptions & { annotate?: boolean }): Promise<FrameAnswer>;
  closeVideo(): void;
  /**
   * Benchmark: decodes the open video's frames at `times` first (not timed), then times
   * analyzeFrame on each, page to worker and back (the first `warmup` are run but not counted).
   */
  bench(times: number[], opts: AnalyzeOptions & { warmup: number }): Promise<BenchAnswer>;
  /** The WebGPU adapter the page sees (the worker asks for the same one). */
  adapter(): Promise<Record<string, string | boolean>>;
}

export interface BenchAnswer {
  /** Wall ms per timed frame (page → worker → page). */
  ms: number[];
  faces: number[];
  /** Per timed frame: the worker's own stage timings. */
  stages: Record<string, number>[];
  /** Per timed frame: the faces' boxes (x, y, w, h in frame pixels). */
  boxes: [number, number, number, number][][];
}

declare global {
  interface Window {
    emolensAnalyze?: AnalyzePageApi;
  }
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

let client: PipelineClient | undefined;
let info: PipelineInfo | undefined;
let video: HTMLVideoElement | undefined;
let videoUrl = '';

async function run(source: ImageBitmap | HTMLVideoElement, width: number, height: number, opts: AnalyzeOptions & { annotate?: boolean }): Promise<FrameAnswer> {
  if (!client || !info) throw new Error('call load() first');
  let canvas: OffscreenCanvas | undefined;
  if (opts.annotate) {
    canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(source, 0, 0, width, height);
  }
  const bitmap = source instanceof ImageBitmap ? source : await createImageBitmap(source);
  const result = await client.analyze(bitmap, { gender: opts.gender, reset: opts.reset });
  if (!canvas) return { result };
  const overlay = new OffscreenCanvas(width, height);
  const octx = overlay.getContext('2d')!;
  drawOverlay(octx, result.faces, { mirror: false, classes: info.emotionClasses });
  canvas.getContext('2d')!.drawImage(overlay, 0, 0);
  return { result, png: await toBase64(await canvas.convertToBlob({ type: 'image/png' })) };
}

const api: AnalyzePageApi = {
  async load(options) {
    client?.terminate();
    client = createPipelineClient();
    document.documentElement.dataset.emolensState = 'loading';
    try {
      info = await client.load(options);
      document.documentElement.dataset.emolensState = 'ready';
      return info;
    } catch (e) {
      document.documentElement.dataset.emolensState = 'error';
      throw e;
    }
  },

  async image(base64, name, opts) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([fromBase64(base64)]), { imageOrientation: 'from-image' });
    } catch (e) {
      throw new Error(`could not decode ${name} as an image: ${e instanceof Error ? e.message : String(e)}`);
    }
    return run(bitmap, bitmap.width, bitmap.height, { ...opts, reset: true });
  },

  async openVideo(base64, name) {
    api.closeVideo();
    videoUrl = URL.createObjectURL(new Blob([fromBase64(base64)]));
    const v = document.createElement('video');
    v.muted = true;
    v.preload = 'auto';
    v.src = videoUrl;
    video = v;
    await new Promise<void>((ok, fail) => {
      v.addEventListener('loadeddata', () => ok(), { once: true });
      v.addEventListener('error', () => fail(new Error(`could not decode ${name} as a video: ${v.error?.message || `code ${v.error?.code}`}`)), { once: true });
    });
    return { width: v.videoWidth, height: v.videoHeight, duration: v.duration };
  },

  async videoFrame(time, opts) {
    const v = video;
    if (!v) throw new Error('call openVideo() first');
    if (Math.abs(v.currentTime - time) > 1e-6) {
      await new Promise<void>((ok) => {
        v.addEventListener('seeked', () => ok(), { once: true });
        v.currentTime = time;
      });
    }
    return run(v, v.videoWidth, v.videoHeight, opts);
  },

  async bench(times, opts) {
    const v = video;
    if (!v) throw new Error('call openVideo() first');
    const bitmaps: ImageBitmap[] = [];
    for (const t of times) {
      await new Promise<void>((ok) => {
        v.addEventListener('seeked', () => ok(), { once: true });
        v.currentTime = t;
      });
      bitmaps.push(await createImageBitmap(v));
    }
    const out: BenchAnswer = { ms: [], faces: [], stages: [], boxes: [] };
    for (let i = 0; i < bitmaps.length; i++) {
      const t0 = performance.now();
      const r = await client!.analyze(bitmaps[i], { gender: opts.gender, reset: i === 0, follow: opts.follow });
      const ms = performance.now() - t0;
      if (i < opts.warmup) continue;
      out.ms.push(ms);
      out.faces.push(r.faces.length);
      out.stages.push(r.timings);
      out.boxes.push(r.faces.map((f) => f.box));
    }
    return out;
  },

  async adapter(): Promise<Record<string, string | boolean>> {
    const a = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) return { available: false };
    const info = a.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return { available: true, vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, fallback: Boolean(info.isFallbackAdapter) };
  },

  closeVideo() {
    video?.removeAttribute('src');
    video = undefined;
    if (videoUrl) URL.revokeObjectURL(videoUrl);
    videoUrl = '';
  },
};

window.emolensAnalyze = api;
