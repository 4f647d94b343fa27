// The video element's current frame as the worker takes it (the camera loop, the timeline, the CLI's page).
/**
 * The video's current frame for the worker: a VideoFrame (no copy here, and the CPU detector reads
 * it in the decoder's own YUV format, several times cheaper than through a canvas), else, where
 * VideoFrame is missing or refuses the element, an ImageBitmap.
 */
export async function grabFrame(v: HTMLVideoElement, time: number): Promise<VideoFrame | ImageBitmap> {
  if (typeof VideoFrame === 'function') {
    try {
      return new VideoFrame(v, { timestamp: Math.round(time * 1e6) });
    } catch {
      // e.g. a browser whose VideoFrame does not take video elements: the bitmap below
    }
  }
  return createImageBitmap(v);
}
