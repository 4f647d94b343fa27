// FrameTexture: a camera or file frame on the GPU, for the detector's resize kernel and the crop
// kernel (docs/ARCHITECTURE.md "Camera pipeline"). Stable API, used by src/nn/yunet/yunet.ts and by the
// camera pipeline:
//
//   const ft = new FrameTexture(device);
//   const tex = ft.upload(frame);      // ImageBitmap | VideoFrame → rgba8unorm texture, frame-sized
//   ft.width, ft.height, ft.generation // size of the last frame; +1 each time the texture is re-made
//   ft.destroy();
//
// The texture is made once and reused for every frame of the same size; a size change destroys it
// and makes a new one (generation + 1), so bind groups that hold it must be rebuilt when the
// generation changes. Usage: TEXTURE_BINDING (bind as texture_2d<f32>, textureLoad), COPY_DST and
// RENDER_ATTACHMENT (both needed by copyExternalImageToTexture), COPY_SRC (tests read it back).
// Pixels are stored as they come (sRGB-encoded 8-bit values, not premultiplied, no flip): the
// same bytes a 2D canvas's getImageData() gives for an opaque frame, which the CPU backend uses.
//
// VideoFrames: copyExternalImageToTexture straight from a VideoFrame loses the whole WebGPU
// instance on SwiftShader (headless Chromium 156: "A valid external Instance reference no longer
// exists", any frame format), so on a fallback adapter (or when the device does not say) a
// VideoFrame is first drawn into a reused OffscreenCanvas and copied from there. Hardware adapters
// copy VideoFrames directly. `directVideo` in the constructor overrides the choice.

export type FrameSource = ImageBitmap | VideoFrame;

/** Display size of a frame (VideoFrame's coded size can include padding rows). */
export function frameSize(frame: FrameSource): { width: number; height: number } {
  if (typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame) return { width: frame.displayWidth, height: frame.displayHeight };
  const b = frame as ImageBitmap;
  return { width: b.width, height: b.height };
}

/** True when the device's adapter says it is not a software fallback (GPUDevice.adapterInfo). */
export function isHardwareDevice(device: GPUDevice): boolean {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).adapterInfo;
  return info?.isFallbackAdapter === false;
}

export class FrameTexture {
  static readonly FORMAT: GPUTextureFormat = 'rgba8unorm';
  private tex?: GPUTexture;
  private gen = 0;
  private canvas?: OffscreenCanvas;
  /** Whether VideoFrames are copied directly (else through an OffscreenCanvas). */
  readonly directVideo: boolean;

  constructor(private readonly device: GPUDevice, private readonly label = 'FrameTexture', directVideo = isHardwareDevice(device)) {
    this.directVideo = directVideo;
  }

  /** The texture of the last upload (undefined before the first). */
  get texture(): GPUTexture | undefined {
    return this.tex;
  }

  get width(): number {
    return this.tex?.width ?? 0;
  }

  get height(): number {
    return this.tex?.height ?? 0;
  }

  /** Increments whenever the texture object is replaced. */
  get generation(): number {
    return this.gen;
  }

  /** Copies `frame` into the texture (re-made only if the size changed) and returns the texture. */
  upload(frame: FrameSource): GPUTexture {
    const { width, height } = frameSize(frame);
    if (!(width > 0 && height > 0)) throw new Error(`${this.label}: the frame is empty (${width}x${height}) or already closed`);
    if (!this.tex || this.tex.width !== width || this.tex.height !== height) {
      this.tex?.destroy();
      this.tex = this.device.createTexture({
        label: `${this.label}.texture`,
        size: [width, height],
        format: FrameTexture.FORMAT,
        usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
      });
      this.gen++;
    }
    let source: FrameSource | OffscreenCanvas = frame;
    if (!this.directVideo && typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame) source = this.viaCanvas(frame, width, height);
    this.device.queue.copyExternalImageToTexture({ source, flipY: false }, { texture: this.tex, premultipliedAlpha: false }, [width, height]);
    return this.tex;
  }

  private viaCanvas(frame: VideoFrame, width: number, height: number): OffscreenCanvas {
    if (!this.canvas || this.canvas.width !== width || this.canvas.height !== height) this.canvas = new OffscreenCanvas(width, height);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error(`${this.label}: no 2D context to copy the VideoFrame through`);
    ctx.drawImage(frame, 0, 0, width, height);
    return this.canvas;
  }

  destroy(): void {
    this.tex?.destroy();
    this.tex = undefined;
  }
}
