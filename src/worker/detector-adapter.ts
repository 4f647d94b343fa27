// The thin seam between the camera pipeline and the face detector (src/nn/yunet*.ts,
// src/vision/frame-texture.ts, owned by the detector's author): everything the pipeline needs
// from that side goes through createDetectorParts, so a change there is a change here only.
import type { DetectorFactory } from './pipeline-engine';
import type { FaceDetector, FrameInput, FrameUploader } from './frame-pipeline';

/** Frame → a reused rgba8unorm texture (made again only when the frame size changes). */
class TextureUploader implements FrameUploader {
  private texture?: GPUTexture;

  constructor(private readonly device: GPUDevice) {}

  upload(frame: ImageBitmap | VideoFrame): FrameInput {
    const width = 'displayWidth' in frame ? frame.displayWidth : frame.width;
    const height = 'displayHeight' in frame ? frame.displayHeight : frame.height;
    if (!this.texture || this.texture.width !== width || this.texture.height !== height) {
      this.texture?.destroy();
      this.texture = this.device.createTexture({
        label: 'TextureUploader.texture',
        size: [width, height],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
      });
    }
    this.device.queue.copyExternalImageToTexture({ source: frame }, { texture: this.texture }, [width, height]);
    return { texture: this.texture, width, height };
  }

  dispose(): void {
    this.texture?.destroy();
  }
}

class MissingDetector implements FaceDetector {
  async detect(): Promise<never> {
    throw new Error('The face detector is not part of this build yet.');
  }
  dispose(): void {}
}

export const createDetectorParts: DetectorFactory = async (device) => {
  if (!device) throw new Error('The camera pipeline needs WebGPU in this build.');
  return { uploader: new TextureUploader(device), detector: new MissingDetector() };
};
