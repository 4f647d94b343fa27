// The detector rows of the benchmark: YuNet on one 640x480 frame (batch 1) on emolens webgpu and
// wasm, and onnxruntime-web wasm on OpenCV zoo's face_detection_yunet_2023mar.onnx (served by
// `npm run bench` from the data folder into bench/yunet.onnx with H and W made symbolic). Every
// runner answers the packed heads (src/vision/yunet-decode.ts layout), so the harness checks ORT's
// twelve outputs against ours before timing, as for the emotion model.
import * as ort from 'onnxruntime-web';
import { createYunet } from '../nn/yunet/yunet.js';
import { type YunetModel, fetchYunet, yunetShapes } from '../nn/yunet/yunet-weights.js';
import { HEAD_CHANNELS, anchorCount } from '../vision/yunet-decode.js';
import { configure } from './ort-runner.js';
import type { ModelRunner } from './runner.js';

export const YUNET_W = 640;
export const YUNET_H = 480;

/** A smooth synthetic B, G, R frame in 0..255 (gradients and discs, like the detector tests'): peers agree on it to ~1e-5. */
export function yunetInput(w = YUNET_W, h = YUNET_H): Float32Array {
  const t = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const disc = Math.hypot(((x % 160) - 80) / 50, ((y % 160) - 80) / 60) < 1 ? 90 : 0;
      t[i] = 40 + (160 * x) / w + disc * 0.5;
      t[i + 1] = 60 + (120 * y) / h + disc;
      t[i + 2] = 200 - (100 * (x + y)) / (w + h) + disc * 0.3;
    }
  }
  return t;
}

/** Multiply-adds x2 of one pass at padW x padH (the same count for every runtime). */
export function yunetFlops(model: YunetModel, w = YUNET_W, h = YUNET_H): number {
  const sh = yunetShapes(model, h, w);
  let f = 0;
  for (const l of model.layers) {
    const [ih, iw] = sh.get(l.input)!;
    if (l.op === 'conv') {
      const [oh, ow] = sh.get(l.output)!;
      f += 2 * oh * ow * l.w.cout * l.w.kh * l.w.kw * l.w.cin;
    } else if (l.op === 'pointwise') f += 2 * ih * iw * l.w.cin * l.w.cout;
    else if (l.op === 'depthwise') f += 2 * 9 * ih * iw * l.w.c;
    else if (l.op === 'head') f += 2 * ih * iw * (l.pw.cin * l.pw.cout + 9 * l.dw.c);
  }
  return f;
}

export async function emolensYunetRunner(model: YunetModel, input: Float32Array, device?: GPUDevice, cpu: 'wasm' | 'cpu' = 'wasm'): Promise<ModelRunner> {
  const det = await createYunet(model, { device, cpu });
  await det.prepare(YUNET_W, YUNET_H);
  return {
    runtime: 'emolens',
    backend: det.backend,
    logits: () => det.heads(input, YUNET_W, YUNET_H),
    dispose: () => det.dispose(),
  };
}

/** onnxruntime-web on the ONNX file: NCHW in, cls/obj/bbox/kps per stride out, packed as ours (inside the timed call). */
export async function ortYunetRunner(onnx: ArrayBuffer, input: Float32Array, strides: number[], vendorUrl: string, threads: number): Promise<ModelRunner> {
  configure(vendorUrl, threads);
  const session = await ort.InferenceSession.create(new Uint8Array(onnx), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const w = YUNET_W, h = YUNET_H, hw = w * h;
  const nchw = new Float32Array(3 * hw);
  const total = anchorCount(w, h, strides) * HEAD_CHANNELS;
  return {
    runtime: 'onnxruntime-web',
    backend: 'wasm',
    async logits() {
      for (let i = 0; i < hw; i++) for (let c = 0; c < 3; c++) nchw[c * hw + i] = input[i * 3 + c];
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', nchw, [1, 3, h, w]) });
      const heads = new Float32Array(total);
      let off = 0;
      for (const s of strides) {
        const n = (w / s) * (h / s);
        const parts: [string, number, number][] = [[`cls_${s}`, 0, 1], [`obj_${s}`, 1, 1], [`bbox_${s}`, 2, 4], [`kps_${s}`, 6, 10]];
        for (const [name, at, k] of parts) {
          const t = out[name];
          if (!t) throw new Error(`yunet.onnx has no output ${name}`);
          const d = t.data as Float32Array;
          for (let a = 0; a < n; a++) for (let j = 0; j < k; j++) heads[off + a * HEAD_CHANNELS + at + j] = d[a * k + j];
        }
        off += n * HEAD_CHANNELS;
      }
      for (const t of Object.values(out)) t.dispose();
      return heads;
    },
    dispose: () => session.release(),
  };
}

export async function loadYunetForBench(baseUrl: string): Promise<YunetModel> {
  return fetchYunet(new URL('weights', baseUrl).href);
}
