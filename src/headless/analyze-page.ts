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
import { imageSize } from './image-size';
import { inputBlob } from './input-blob';
import { grabFrame } from '../vision/grab-frame';

export interface FrameAnswer {
  result: PipelineResult;
  /** The annotated frame, PNG as base64, when asked for. */
  png?: string;
}

export interface VideoInfo {
  width: number;
  height: number;
  duration: number;
  /** ms from setting the source to the first decoded frame (the CLI scales its seek limit by it). */
  openMs: number;
}

export interface AnalyzePageApi {
  load(options?: PipelineInit): Promise<PipelineInfo>;
  /** One photo (input-blob.ts: a path the CLI serves, or the bytes as base64): the tracker starts afresh. */
  image(source: string, name: string, opts: AnalyzeOptions & { annotate?: boolean }): Promise<FrameAnswer>;
  /** Opens a video (a served path or base64, as image()) for videoFrame(); rejects on a decode error or after `timeoutMs`. */
  openVideo(source: string, name: string, timeoutMs?: number): Promise<VideoInfo>;
  /**
   * The frame shown at `time` seconds of the open video; `reset` on the first frame. The seek
   * rejects on a decode error or after `seekTimeoutMs`.
   */
  videoFrame(time: number, opts: AnalyzeOptions & { annotate?: boolean }, seekTimeoutMs?: number): Promise<FrameAnswer>;
  closeVideo(): void;
  /**
   * Benchmark: decodes the open video's frames at `times` first (not timed), then times
   * analyzeFrame on each, page to worker and back (the first `warmup` are run but not counted).
   * Each seek rejects on a decode error or after `seekTimeoutMs` (default: seekLimitMs).
   */
  bench(times: number[], opts: AnalyzeOptions & { warmup: number; seekTimeoutMs?: number }): Promise<BenchAnswer>;
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

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function mediaError(v: HTMLVideoElement): string {
  return v.error?.message || `media error code ${v.error?.code ?? '?'}`;
}

/**
 * Resolves on the video's `event`; rejects on its 'error' event (a decode error fires 'error', and
 * 'seeked' then never comes) or after `timeoutMs` (a stalled fetch or decoder fires nothing).
 */
function videoEvent(v: HTMLVideoElement, event: string, timeoutMs: number, failed: () => string, late: () => string): Promise<void> {
  return new Promise<void>((ok, fail) => {
    const done = (f: () => void) => {
      clearTimeout(timer);
      v.removeEventListener(event, onEvent);
      v.removeEventListener('error', onError);
      f();
    };
    const onEvent = () => done(ok);
    const onError = () => done(() => fail(new Error(`${failed()}: ${mediaError(v)}`)));
    const timer = setTimeout(() => done(() => fail(new Error(late()))), timeoutMs);
    v.addEventListener(event, onEvent);
    v.addEventListener('error', onError);
  });
}

/**
 * Photos longer than this are decoded scaled down to it (the detector sees at most 640 px and the
 * crops 48–64 px, so nothing is lost that the pipeline uses), and the faces are mapped back to the
 * photo's own pixels: a 30000×30000 photo would otherwise be 3.6 GB of RGBA. The annotated PNG of
 * such a photo is written at the decoded size.
 */
const MAX_PHOTO_SIDE = 4096;

/** A result for a scaled-down decode, in the pixels of the width×height original. */
function inPixelsOf(r: PipelineResult, width: number, height: number): PipelineResult {
  const sx = width / r.width, sy = height / r.height;
  const faces = r.faces.map((f) => ({
    ...f,
    box: [f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy] as typeof f.box,
    landmarks: f.landmarks.map(([x, y]) => [x * sx, y * sy] as [number, number]),
  }));
  return { ...r, faces, width, height };
}

let client: PipelineClient | undefined;
let info: PipelineInfo | undefined;
let video: HTMLVideoElement | undefined;
let videoUrl = '';
/** ms the open video took to show its first frame. */
let videoOpenMs = 0;

/**
 * The default limit for one seek, scaled by how long this video took to open (the same rule as
 * tools/analyze.mjs's `limits.seekMs`): a seek that never ends (stalled decoder, truncated file
 * that fires no error) rejects instead of waiting forever.
 */
const seekLimitMs = (openMs: number): number => 10_000 + 4 * openMs;

/** Seeks `v` to `time`; rejects on a decode error or after `timeoutMs`. */
async function seek(v: HTMLVideoElement, time: number, timeoutMs: number): Promise<void> {
  const seeked = videoEvent(v, 'seeked', timeoutMs, () => `could not decode the frame at ${time.toFixed(3)} s`, () => `seeking to ${time.toFixed(3)} s took longer than ${(timeoutMs / 1000).toFixed(1)} s (stalled or truncated video)`);
  v.currentTime = time;
  await seeked;
}

async function run(source: ImageBitmap | HTMLVideoElement, width: number, height: number, opts: AnalyzeOptions & { annotate?: boolean }): Promise<FrameAnswer> {
  if (!client || !info) throw new Error('call load() first');
  let canvas: OffscreenCanvas | undefined;
  if (opts.annotate) {
    canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(source, 0, 0, width, height);
  }
  // A video's frame goes as the camera view sends it (a VideoFrame: the CPU detector reads its YUV planes).
  const bitmap = source instanceof ImageBitmap ? source : await grabFrame(source, source.currentTime);
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

  async image(source, name, opts) {
    const blob = await inputBlob(source, name);
    const dims = await imageSize(blob);
    const longest = dims ? Math.max(dims.width, dims.height) : 0;
    const scale = longest > MAX_PHOTO_SIDE ? MAX_PHOTO_SIDE / longest : 1;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(blob, scale < 1 && dims
        ? { imageOrientation: 'from-image', resizeWidth: Math.max(1, Math.round(dims.width * scale)), resizeHeight: Math.max(1, Math.round(dims.height * scale)), resizeQuality: 'high' }
        : { imageOrientation: 'from-image' });
    } catch (e) {
      throw new Error(`could not decode ${name} as an image: ${e instanceof Error ? e.message : String(e)}`);
    }
    const answer = await run(bitmap, bitmap.width, bitmap.height, { ...opts, reset: true });
    if (scale < 1 && dims) answer.result = inPixelsOf(answer.result, dims.width, dims.height);
    return answer;
  },

  async openVideo(source, name, timeoutMs = 60_000) {
    api.closeVideo();
    videoUrl = URL.createObjectURL(await inputBlob(source, name));
    const v = document.createElement('video');
    v.muted = true;
    v.preload = 'auto';
    const t0 = performance.now();
    v.src = videoUrl;
    video = v;
    await videoEvent(v, 'loadeddata', timeoutMs, () => `could not decode ${name} as a video`, () => `opening ${name} took longer than ${(timeoutMs / 1000).toFixed(0)} s (stalled or undecodable video)`);
    videoOpenMs = performance.now() - t0;
    return { width: v.videoWidth, height: v.videoHeight, duration: v.duration, openMs: videoOpenMs };
  },

  async videoFrame(time, opts, seekTimeoutMs = seekLimitMs(videoOpenMs)) {
    const v = video;
    if (!v) throw new Error('call openVideo() first');
    if (v.error) throw new Error(`the video failed earlier: ${mediaError(v)}`);
    if (Math.abs(v.currentTime - time) > 1e-6) await seek(v, time, seekTimeoutMs);
    return run(v, v.videoWidth, v.videoHeight, opts);
  },

  async bench(times, opts) {
    const v = video;
    if (!v) throw new Error('call openVideo() first');
    // The frames as the camera view sends them: VideoFrames of the video element (decoded before timing).
    const bitmaps: (VideoFrame | ImageBitmap)[] = [];
    try {
      for (const t of times) {
        if (v.error) throw new Error(`the video failed earlier: ${mediaError(v)}`);
        await seek(v, t, opts.seekTimeoutMs ?? seekLimitMs(videoOpenMs));
        bitmaps.push(await grabFrame(v, t));
      }
    } catch (e) {
      bitmaps.forEach((b) => b.close());
      throw e;
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
