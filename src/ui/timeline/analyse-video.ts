// Steps through a video file frame by frame as `npm run analyze` does (frame i read at
// (i + 0.5) / fps, tracks kept from frame to frame, the tracker reset on the first), every `step`-th
// frame, through the page's own pipeline. The frame rate is the video's own, measured from its
// presented frames' media times (frame-rate.ts); only where that fails is 30 fps assumed (the CLI's
// own default without ffprobe).
import type { PipelineResult } from '../../worker/api';
import type { TimelineFrame } from './timeline-data';
import { measureFrameRate } from './frame-rate';
import { grabFrame } from '../../vision/grab-frame';

export const ASSUMED_FPS = 30;

export interface AnalyseOptions {
  /** Read every step-th frame (1 = every frame). */
  step: number;
  /** Frames per second; default: measured from the video (else ASSUMED_FPS). */
  fps?: number;
  /** Stop after this many frames of the video (default: all). */
  maxFrames?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

/** Analyses one frame; `reset` on the first (a new source: ids from 1). */
export type AnalyseFrame = (frame: ImageBitmap | VideoFrame, reset: boolean) => Promise<PipelineResult | undefined>;

function seek(video: HTMLVideoElement, time: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = () => {
      video.removeEventListener('seeked', done);
      video.removeEventListener('error', fail);
      reject(new Error(`the video could not be read at ${time.toFixed(2)} s`));
    };
    video.addEventListener('seeked', done);
    video.addEventListener('error', fail);
    video.currentTime = time;
  });
}

/** The frames, and the frame rate their numbers and times are at (measured: read from the video, else assumed). */
export interface AnalysedVideo {
  frames: TimelineFrame[];
  fps: number;
  measured: boolean;
}

export async function analyseVideo(video: HTMLVideoElement, analyse: AnalyseFrame, o: AnalyseOptions): Promise<AnalysedVideo> {
  if (!(video.duration > 0) || !Number.isFinite(video.duration)) throw new Error('the video has no known length');
  const measuredFps = o.fps ?? (await measureFrameRate(video));
  const fps = measuredFps ?? ASSUMED_FPS;
  const count = Math.min(o.maxFrames ?? Infinity, Math.max(1, Math.floor(video.duration * fps)));
  const indices: number[] = [];
  for (let i = 0; i < count; i += Math.max(1, o.step)) indices.push(i);
  const out: TimelineFrame[] = [];
  video.pause();
  for (const [k, i] of indices.entries()) {
    if (o.signal?.aborted) break;
    const time = Math.min((i + 0.5) / fps, Math.max(0, video.duration - 1e-3));
    await seek(video, time);
    // As the camera loop and the CLI send a video's frames (the same pixels: the timeline equals `npm run analyze`).
    const frame = await grabFrame(video, time);
    const r = await analyse(frame, k === 0);
    if (r) out.push({ frame: i, time, faces: r.faces });
    o.onProgress?.(k + 1, indices.length);
  }
  return { frames: out, fps, measured: measuredFps !== undefined };
}
