// Drawing an analysed frame on the stage's frame canvas (split from camera-view.ts): the pixels a
// result was computed from, mirrored for a front camera, and its boxes as shown.
import type { PipelineResult } from '../../worker/api';

/** Draws `image` (the frame `r` was computed from) on `canvas` at the frame's size, mirrored when asked. */
export function drawFrame(canvas: HTMLCanvasElement, r: PipelineResult, image: ImageBitmap, mirror: boolean): void {
  if (canvas.width !== r.width || canvas.height !== r.height) {
    canvas.width = r.width;
    canvas.height = r.height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(mirror ? -1 : 1, 0, 0, 1, mirror ? r.width : 0, 0);
  ctx.drawImage(image, 0, 0, r.width, r.height);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** The result's boxes in the shown picture's pixels (mirrored when the picture is). */
export function shownBoxes(r: PipelineResult, mirror: boolean): [number, number, number, number][] {
  return r.faces.map(({ box: [x, y, w, h] }) => [mirror ? r.width - x - w : x, y, w, h]);
}
