// The thin seam between the camera pipeline and the face detector (src/nn/yunet*.ts and
// src/vision/frame-texture.ts, owned by the detector's author): everything the pipeline needs
// from that side goes through createDetector, so a change there is a change here only.
//
// WebGPU: YuNet uploads each frame into a FrameTexture we own and pass in; the crop kernel then
// reads that same texture (no second upload). CPU: the frame's pixels are read with FramePixels.
import { createYunet } from '../nn/yunet';
import { type YunetModel, fetchYunet } from '../nn/yunet-weights';
import { FramePixels } from '../vision/frame-pixels';
import { FrameTexture } from '../vision/frame-texture';
import type { FrameDetector } from './frame-pipeline';
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
  const yunet = await createYunet(await model, { device, cpu, frameTexture: texture });
  const pixels = new FramePixels();
  return {
    async detect(frame) {
      const faces = await yunet.detect(frame);
      if (texture?.texture) return { faces, input: { texture: texture.texture, width: texture.width, height: texture.height } };
      const p = pixels.read(frame);
      return { faces, input: { rgba: p.data, width: p.width, height: p.height } };
    },
    dispose() {
      yunet.dispose();
      texture?.destroy();
    },
  };
};
