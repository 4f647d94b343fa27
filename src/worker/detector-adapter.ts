// The thin seam between the camera pipeline and the face detector (src/nn/yunet/yunet*.ts and
// src/vision/frame-texture.ts, owned by the detector's author): everything the pipeline needs
// from that side goes through createDetector, so a change there is a change here only.
//
// WebGPU: YuNet uploads each frame into a FrameTexture we own and pass in; the crop kernel then
// reads that same texture (no second upload). CPU: the frame's pixels are read with FramePixels.
import { createYunet } from '../nn/yunet/yunet';
import { type YunetModel, fetchYunet } from '../nn/yunet/yunet-weights';
import { FramePixels } from '../vision/frame-pixels';
import { FrameTexture } from '../vision/frame-texture';
import type { FrameDetector, FrameInput } from './frame-pipeline';

/**
 * Face windows (2.5 × the face) are resized to this many pixels a side for YuNet: a followed face
 * is ~50 px there, well inside YuNet's range; 128² is 5% of a 640×480 frame's pixels. (96 px windows
 * twice the face gave boxes that missed IoU 0.5 against the full-frame detector on small faces.)
 */
const WINDOW_INPUT = 128;
import type { DetectorFactory } from './pipeline-engine';

/** Fetched once per weights URL: a rebuild after a lost device reuses the parsed weights. */
const models = new Map<string, Promise<YunetModel>>();

export const createDetector: DetectorFactory = async (device, weightsUrl, cpu): Promise<FrameDetector> => {
  let model = models.get(weightsUrl);
  if (!model) {
    model = fetchYunet(weightsUrl).catch((e: unknown) => {
      models.delete(weightsUrl);
      throw new Error(`Could not load the face detector: ${e instanceof Error ? e.message : String(e)}`);
    });
    models.set(weightsUrl, model);
  }
  const texture = device ? new FrameTexture(device, 'Pipeline.frame') : undefined;
  // Four plans: the camera's full frame at 640 px and at the reduced size (face-follower.ts), the
  // face windows, and a photo of another size.
  const yunet = await createYunet(await model, { device, cpu, frameTexture: texture, maxPlans: 4 });
  const pixels = new FramePixels();
  const input = (frame: ImageBitmap | VideoFrame): FrameInput => {
    if (texture?.texture) return { texture: texture.texture, width: texture.width, height: texture.height };
    // The CPU detector read this frame's pixels already: the crops use them (no second getImageData).
    const p = yunet.framePixels ?? pixels.read(frame);
    return { rgba: p.data, width: p.width, height: p.height };
  };
  const { authors, license } = (await model).spec.attribution;
  return {
    attribution: `YuNet (${authors ?? 'Wei Wu, Hanyang Peng, Shiqi Yu'}), ${license ?? 'Apache-2.0'}`,
    async detect(frame, options) {
      const faces = await yunet.detect(frame, options);
      return { faces, input: input(frame), laps: { ...yunet.laps } };
    },
    async detectWindows(frame, windows) {
      const perWindow = await yunet.detectWindows(frame, windows, WINDOW_INPUT);
      return { perWindow, input: input(frame), laps: { ...yunet.laps } };
    },
    dispose() {
      yunet.dispose();
      texture?.destroy();
    },
  };
};
