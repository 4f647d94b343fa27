// The video's own frame rate for the timeline (issue 14): a page cannot read it from the file, but
// requestVideoFrameCallback reports each presented frame's media time, and the smallest step
// between two presented frames is one frame. Rates within 0.5 % of a common one snap to it (so
// 29.97 reads as 30000/1001, as ffprobe says, and frame times match `npm run analyze`'s).

/** Common frame rates (ffprobe's r_frame_rate values). */
const COMMON = [24000 / 1001, 24, 25, 30000 / 1001, 30, 50, 60000 / 1001, 60];

/** Frames per second from presented frames' media times (seconds), or undefined when they cannot tell. */
export function fpsFromMediaTimes(times: readonly number[]): number | undefined {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1];
    if (d > 1e-3) steps.push(d);
  }
  if (steps.length < 2) return undefined;
  steps.sort((a, b) => a - b);
  // The smallest steps are single frames; average the ones within 10 % of the smallest (jitter).
  const one = steps.filter((d) => d <= steps[0] * 1.1);
  const fps = one.length / one.reduce((s, d) => s + d, 0);
  if (!(fps >= 1 && fps <= 240)) return undefined;
  const near = COMMON.find((c) => Math.abs(c - fps) / c < 0.005);
  return near ?? Math.round(fps * 1000) / 1000;
}

/**
 * Plays the video (muted) from the start for up to `frames` presented frames or `ms`, collecting
 * their media times, then pauses it at the start again. Undefined where the browser lacks
 * requestVideoFrameCallback or the video shows too few frames.
 */
export async function measureFrameRate(video: HTMLVideoElement, frames = 12, ms = 3000): Promise<number | undefined> {
  if (!('requestVideoFrameCallback' in video)) return undefined;
  const times: number[] = [];
  const muted = video.muted;
  video.muted = true;
  video.currentTime = 0;
  try {
    await video.play();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const tick = (_: number, m: VideoFrameCallbackMetadata) => {
        times.push(m.mediaTime);
        if (times.length >= frames) {
          clearTimeout(timer);
          resolve();
        } else video.requestVideoFrameCallback(tick);
      };
      video.requestVideoFrameCallback(tick);
    });
  } catch {
    return undefined;
  } finally {
    video.pause();
    video.muted = muted;
  }
  return fpsFromMediaTimes(times);
}
