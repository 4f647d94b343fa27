// A FER-2013 face from the golden fixture pasted into an odd-sized frame, and the detection that
// "finds" it with the emotion template's landmarks: cropping that detection must give the face back
// (test/worker/frame-pipeline.test.ts, gpu-frame-pass.test.ts).
import { parseSafetensors } from '../../src/nn/safetensors.js';
import { EMOTION_CROP, type Point } from '../../src/vision/crop-policy.js';
import type { Detection } from '../../src/vision/tracker.js';

/** Frame size and the pasted face's scale (each face pixel a SCALE×SCALE block). */
export const PASTE = { W: 333, H: 517, SCALE: 3 };
const { W, H, SCALE } = PASTE;

export async function goldenFace(): Promise<Float32Array> {
  const g = parseSafetensors(await (await fetch('/test/fixtures/emotion.golden.safetensors')).arrayBuffer());
  return (g.get('pixels')!.data as Float32Array).slice(0, 48 * 48);
}

/** A W×H gray frame (value 90) with `face` pasted, each pixel a SCALE×SCALE block, top-left at (x0, y0). */
export function frameWith(face: Float32Array, x0: number, y0: number): Uint8Array<ArrayBuffer> {
  const rgba = new Uint8Array(W * H * 4).fill(90);
  for (let y = 0; y < 48 * SCALE; y++) for (let x = 0; x < 48 * SCALE; x++) {
    const fx = x0 + x, fy = y0 + y;
    if (fx < 0 || fy < 0 || fx >= W || fy >= H) continue;
    const v = face[Math.floor(y / SCALE) * 48 + Math.floor(x / SCALE)];
    rgba.set([v, v, v, 255], (fy * W + fx) * 4);
  }
  return rgba;
}

export function detection(x0: number, y0: number): Detection {
  const s = 48 * SCALE;
  const landmarks = EMOTION_CROP.template.map(([u, v]) => [x0 + u * s, y0 + v * s] as Point);
  return { box: [x0 + 0.1 * s, y0 + 0.05 * s, 0.8 * s, s], score: 0.9, landmarks };
}

/** The golden face pasted at (100, 200) into a W×H frame, uploaded into an rgba8unorm texture of `device`. */
export async function pastedTexture(device: GPUDevice): Promise<{ face: Float32Array; rgba: Uint8Array<ArrayBuffer>; texture: GPUTexture }> {
  const face = await goldenFace();
  const rgba = frameWith(face, 100, 200);
  const texture = device.createTexture({ size: [W, H], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture }, rgba, { bytesPerRow: W * 4 }, [W, H]);
  return { face, rgba, texture };
}
