// RGBA bytes of a frame on the CPU (the CPU detector's input, the camera view's saliency crops):
// drawn once into a reused OffscreenCanvas and read with getImageData. Works in workers. For an
// opaque frame these are the bytes FrameTexture's copyExternalImageToTexture stores on the GPU.
import { type FrameSource, frameSize } from './frame-texture.js';

export class FramePixels {
  private canvas?: OffscreenCanvas;
  private ctx?: OffscreenCanvasRenderingContext2D;

  /** The frame's RGBA pixels (width*height*4, row-major) and size. */
  read(frame: FrameSource): { data: Uint8ClampedArray; width: number; height: number } {
    const { width, height } = frameSize(frame);
    return this.readAt(frame, width, height);
  }

  /**
   * Any drawable picture (ImageBitmap, video or image element) drawn at width×height: the size of
   * the frame that was analysed from it, so that frame coordinates (boxes, crop affines) apply.
   */
  readAt(picture: CanvasImageSource, width: number, height: number): { data: Uint8ClampedArray; width: number; height: number } {
    if (!(width > 0 && height > 0)) throw new Error(`FramePixels: the frame is empty (${width}x${height}) or already closed`);
    if (!this.canvas || this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas = new OffscreenCanvas(width, height);
      const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('FramePixels: no 2D context on OffscreenCanvas');
      this.ctx = ctx;
    }
    const ctx = this.ctx!;
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(picture, 0, 0, width, height);
    return { data: ctx.getImageData(0, 0, width, height).data, width, height };
  }
}
