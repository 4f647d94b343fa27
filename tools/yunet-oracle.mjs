// Dev-only oracle for the YuNet detector: the original ONNX file run by onnxruntime-node, and an
// independent port of OpenCV's FaceDetectorYN post-processing (decode + cv::dnn::NMSBoxes on the
// integer rectangles OpenCV builds), so the parity test and tools/bench-detector.mjs compare our
// WebGPU/CPU runtime with what OpenCV would answer on the same input tensor. The app never loads
// this file (it parses ONNX; the app reads weights/yunet.safetensors).
//
//   const oracle = await loadYunetOracle();
//   const heads = await oracle.run(bgrNhwc, padH, padW);   // { cls_8: Float32Array, ..., kps_32 }
//   const faces = opencvPostProcess(heads, padW, padH, { scoreThreshold: 0.6 });
//
// The file declares a fixed 1x3x640x640 input; FaceDetectorYN feeds any size padded to multiples
// of 32, so the loader makes H and W symbolic before handing the model to onnxruntime.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dataPath, requireData } from './data-dir.mjs';

const require = createRequire(import.meta.url);
/** The original YuNet file, in the data folder (EMOLENS_DATA/models/). */
export const YUNET_ONNX = dataPath('models', 'face_detection_yunet_2023mar.onnx');
export const STRIDES = [8, 16, 32];

/**
 * @typedef {{ box: [number, number, number, number], score: number, landmarks: [number, number][] }} OracleFace
 * @typedef {Record<string, Float32Array>} Heads  cls_8.. (sigmoid), obj_8.., bbox_8.. (N×4), kps_8.. (N×10)
 */

/** The ONNX bytes with the input's H and W made symbolic (and stale value_info dropped). */
export function dynamicYunetModel(path = YUNET_ONNX) {
  const { onnx } = require('onnx-proto');
  const model = onnx.ModelProto.decode(readFileSync(path === YUNET_ONNX ? requireData('models', 'face_detection_yunet_2023mar.onnx') : path));
  const g = model.graph;
  const inits = new Set(g.initializer.map((t) => t.name));
  const input = g.input.find((i) => !inits.has(i.name));
  const dims = input.type.tensorType.shape.dim;
  dims[2] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'height' });
  dims[3] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'width' });
  for (const o of g.output) {
    const d = o.type.tensorType.shape.dim;
    d[1] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'anchors' });
  }
  g.valueInfo = [];
  return onnx.ModelProto.encode(model).finish();
}

/** An onnxruntime-node session on the YuNet file; run() takes an NHWC BGR 0..255 tensor. */
export async function loadYunetOracle(path = YUNET_ONNX) {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(dynamicYunetModel(path), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return {
    /**
     * @param {Float32Array} nhwc [H, W, 3] BGR 0..255, H and W multiples of 32
     * @returns {Promise<Heads>}
     */
    async run(nhwc, h, w) {
      if (h % 32 || w % 32) throw new Error(`yunet oracle: ${w}x${h} is not padded to multiples of 32`);
      if (nhwc.length !== h * w * 3) throw new Error(`yunet oracle: ${nhwc.length} values for ${w}x${h}x3`);
      const nchw = new Float32Array(3 * h * w);
      for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) nchw[c * h * w + i] = nhwc[i * 3 + c];
      const out = await session.run({ input: new ort.Tensor('float32', nchw, [1, 3, h, w]) });
      /** @type {Heads} */
      const heads = {};
      for (const [k, v] of Object.entries(out)) heads[k] = /** @type {Float32Array} */ (v.data);
      return heads;
    },
    release: () => session.release(),
  };
}

/** cv::Rect overlap as NMSBoxes computes it for Rect2i: |a∩b| / |a∪b| on integer rectangles. */
function rectIoU(a, b) {
  const x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]), y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * OpenCV 4.8+ FaceDetectorYN::postProcess: per stride, score = sqrt(clamp(cls)·clamp(obj)), keep
 * score ≥ threshold, decode box/landmarks, NMSBoxes (greedy by score on int-truncated rects,
 * IoU > nms suppresses, top_k). Faces in input-tensor pixels, best first.
 * @param {Heads} heads
 * @returns {OracleFace[]}
 */
export function opencvPostProcess(heads, padW, padH, { scoreThreshold = 0.6, nmsThreshold = 0.3, topK = 5000 } = {}) {
  const faces = [];
  for (const s of STRIDES) {
    const cols = padW / s, rows = padH / s;
    const cls = heads[`cls_${s}`], obj = heads[`obj_${s}`], bbox = heads[`bbox_${s}`], kps = heads[`kps_${s}`];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const score = Math.sqrt(Math.min(Math.max(cls[i], 0), 1) * Math.min(Math.max(obj[i], 0), 1));
        if (score < scoreThreshold) continue;
        const cx = (c + bbox[i * 4]) * s, cy = (r + bbox[i * 4 + 1]) * s;
        const w = Math.exp(bbox[i * 4 + 2]) * s, h = Math.exp(bbox[i * 4 + 3]) * s;
        const landmarks = [];
        for (let n = 0; n < 5; n++) landmarks.push([(kps[i * 10 + 2 * n] + c) * s, (kps[i * 10 + 2 * n + 1] + r) * s]);
        faces.push({ box: [cx - w / 2, cy - h / 2, w, h], score, landmarks });
      }
    }
  }
  const order = faces.map((_, i) => i).sort((a, b) => faces[b].score - faces[a].score || a - b);
  const rects = faces.map((f) => f.box.map((v) => Math.trunc(v)));
  const keep = [];
  for (const i of order) {
    if (keep.length >= topK) break;
    if (keep.every((k) => rectIoU(rects[i], rects[k]) <= nmsThreshold)) keep.push(i);
  }
  return keep.map((i) => faces[i]);
}

/** IoU of two float [x, y, w, h] boxes. */
export function boxIoU(a, b) {
  const x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]), y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Decodes an image or a video frame with Debian's ffmpeg into packed BGR bytes, optionally scaled
 * (bilinear) to w×h. For oracle-side checks that must not depend on the browser's decoder.
 * @returns {{ data: Uint8Array, width: number, height: number }}
 */
export function ffmpegBgr(file, { frame = 0, width, height } = {}) {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`ffprobe ${file}: ${probe.stderr}`);
  const [w0, h0] = probe.stdout.trim().split(',').map(Number);
  const w = width ?? w0, h = height ?? h0;
  const vf = [`select=eq(n\\,${frame})`, ...(w !== w0 || h !== h0 ? [`scale=${w}:${h}:flags=bilinear`] : [])].join(',');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'bgr24', '-'], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg ${file}: ${r.stderr}`);
  if (r.stdout.length !== w * h * 3) throw new Error(`ffmpeg ${file}: ${r.stdout.length} bytes for ${w}x${h}x3`);
  return { data: new Uint8Array(r.stdout), width: w, height: h };
}

/** Packed BGR bytes → a zero-padded [padH, padW, 3] float tensor (FaceDetectorYN's padWithDivisor). */
export function padBgr({ data, width, height }, divisor = 32) {
  const padW = Math.ceil(width / divisor) * divisor, padH = Math.ceil(height / divisor) * divisor;
  const t = new Float32Array(padW * padH * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width * 3; x++) t[(y * padW) * 3 + x] = data[y * width * 3 + x];
  return { tensor: t, padW, padH };
}
