// dist/classify.js: the page tools/classify.mjs drives through puppeteer. No UI; it exposes
// window.emolens so the CLI can load a model and send batches of encoded images. It goes through
// exactly the app's path: the same worker (weights loading, backend choice) and the same
// decodeImage + toGrayCrop conversion as the file picker; a 3-channel model (gender) gets
// toRgbCrop, its RGB sibling (centre square of the whole image, same resize, per channel).
import type { LoadOptions, LoadResult } from '../worker/api';
import { blobToBase64, saliencyPngs } from '../ui/saliency/saliency-png';
import { createInferenceClient, type InferenceClient } from '../worker/client';
import { centreSquare, decodeImage, toCrop as cropOf } from '../vision/to-gray-crop';
import { imageSize } from './image-size';
import { inputBlob } from './input-blob';

/** One encoded image: its name (for messages) and where its bytes are (input-blob.ts: a path the CLI serves, or base64). */
export interface EncodedImage {
  name: string;
  source: string;
}

/** Per image: probabilities in the model's class order, or why there are none. */
export type ImageResult = { probs: number[] } | { error: string };

/** Per image with --saliency: probabilities, the class the map explains, and two base64 PNGs. */
export type SaliencyImageResult = { probs: number[]; target: number; saliencyPng: string; overlayPng: string } | { error: string };

export interface SaliencyBatchOptions {
  /** A class index for every image, or 'predicted' (default). */
  target?: number | 'predicted';
  /** Overlay side = input size × scale (default 4). */
  scale?: number;
}

export interface ClassifyPageApi {
  load(options: LoadOptions): Promise<LoadResult>;
  classifyBatch(images: EncodedImage[]): Promise<ImageResult[]>;
  /** classifyBatch plus guided back-propagation maps, as PNGs made in the page. */
  saliencyBatch(images: EncodedImage[], options?: SaliencyBatchOptions): Promise<SaliencyImageResult[]>;
}

declare global {
  interface Window {
    emolens?: ClassifyPageApi;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let client: InferenceClient | undefined;
let loaded: LoadResult | undefined;

/**
 * Photos larger than this on their longest side are decoded already scaled, so that their centre
 * square is a whole multiple of the model input (area averaging stays exact), and only that small
 * bitmap stays alive: a 9000×7000 photo is 250 MB of RGBA. Chromium still decodes the whole JPEG
 * once (createImageBitmap does not decode JPEGs at a reduced scale on desktop), so the decodes are
 * also rationed (PIXEL_BUDGET: one such photo at a time). The centre square is cut from the small
 * bitmap by toCrop (asking createImageBitmap for the crop as well saved nothing measurable).
 * Smaller photos (every FER-2013 and UTKFace image) take the app's own path unchanged.
 */
const FULL_DECODE_MAX_SIDE = 2048;
/** Decoded pixels alive at once across a batch's decodes (64 MP = 256 MB of RGBA). */
const PIXEL_BUDGET = 64e6;

/** Waits until `pixels` fit in the budget of decoded pixels; answers the release. */
let inUse = 0;
const waiting: (() => void)[] = [];
async function reserve(pixels: number): Promise<() => void> {
  const need = Math.min(pixels, PIXEL_BUDGET);
  while (inUse > 0 && inUse + need > PIXEL_BUDGET) await new Promise<void>((ok) => waiting.push(ok));
  inUse += need;
  return () => {
    inUse -= need;
    waiting.splice(0).forEach((wake) => wake());
  };
}

/** The image decoded no larger than the crop needs (see FULL_DECODE_MAX_SIDE). */
async function decodeForCrop(blob: Blob, name: string, size: number): Promise<ImageBitmap> {
  const dims = await imageSize(blob);
  if (!dims || Math.max(dims.width, dims.height) <= FULL_DECODE_MAX_SIDE) {
    const release = await reserve(dims ? dims.width * dims.height : PIXEL_BUDGET);
    try {
      return await decodeImage(blob, name);
    } finally {
      release();
    }
  }
  const side = centreSquare(dims.width, dims.height)[2];
  const target = size * Math.max(1, Math.min(8, Math.floor(side / size)));
  const scale = target / side;
  const resizeWidth = dims.width === side ? target : Math.max(target, Math.round(dims.width * scale));
  const resizeHeight = dims.height === side ? target : Math.max(target, Math.round(dims.height * scale));
  // A JPEG has no alpha, so premultiplying changes nothing, and asking Chromium not to premultiply
  // costs a second full-size copy while it scales (+230 MB at 9000×7000; tools/bench-memory.mjs).
  const head = new Uint8Array(await blob.slice(0, 3).arrayBuffer());
  const jpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  const release = await reserve(dims.width * dims.height);
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: jpeg ? 'default' : 'none', resizeWidth, resizeHeight, resizeQuality: 'high' });
  } catch (e) {
    throw new Error(`Could not decode ${name} as an image (${blob.size} bytes): ${message(e)}`);
  } finally {
    release();
  }
}

async function toCrop(img: EncodedImage, size: number, channels: number): Promise<Uint8Array | string> {
  try {
    const bitmap = await decodeForCrop(await inputBlob(img.source, img.name), img.name, size);
    try {
      return cropOf(bitmap, size, channels === 3 ? 3 : 1);
    } finally {
      bitmap.close();
    }
  } catch (e) {
    return message(e);
  }
}

const api: ClassifyPageApi = {
  async load(options) {
    client?.terminate();
    client = createInferenceClient();
    document.documentElement.dataset.emolensState = 'loading';
    try {
      loaded = await client.load(options);
      await client.classify({ gray: new Uint8Array(loaded.inputSize ** 2 * (loaded.channels ?? 1)), n: 1 });
      document.documentElement.dataset.emolensState = 'ready';
      return loaded;
    } catch (e) {
      document.documentElement.dataset.emolensState = 'error';
      throw e;
    }
  },

  async classifyBatch(images) {
    if (!client || !loaded) throw new Error('call load() first');
    const size = loaded.inputSize, channels = loaded.channels ?? 1, px = size * size * channels;
    const crops = await Promise.all(images.map((img) => toCrop(img, size, channels)));
    const good = crops.filter((c): c is Uint8Array => typeof c !== 'string');
    const gray = new Uint8Array(good.length * px);
    good.forEach((c, i) => gray.set(c, i * px));
    let probs: Float32Array | undefined;
    let failure = '';
    if (good.length) {
      try {
        probs = await client.classify({ gray, n: good.length });
      } catch (e) {
        failure = `classification failed: ${message(e)}`;
      }
    }
    const k = loaded.classes.length;
    let j = 0;
    return crops.map((c) => {
      if (typeof c === 'string') return { error: c };
      const i = j++;
      return probs ? { probs: Array.from(probs.subarray(i * k, (i + 1) * k)) } : { error: failure };
    });
  },

  async saliencyBatch(images, options = {}) {
    if (!client?.saliency || !loaded) throw new Error('call load() first');
    if ((loaded.channels ?? 1) !== 1) throw new Error('saliency maps are made for gray (1-channel) models only');
    const size = loaded.inputSize, px = size * size, k = loaded.classes.length;
    const crops = await Promise.all(images.map((img) => toCrop(img, size, 1)));
    const good = crops.filter((c): c is Uint8Array => typeof c !== 'string');
    const gray = new Uint8Array(good.length * px);
    good.forEach((c, i) => gray.set(c, i * px));
    const target = options.target ?? 'predicted';
    let answer: Awaited<ReturnType<NonNullable<InferenceClient['saliency']>>> | undefined;
    let failure = '';
    if (good.length) {
      try {
        answer = await client.saliency({ gray, n: good.length, target: target === 'predicted' ? target : new Array<number>(good.length).fill(target) });
      } catch (e) {
        failure = `saliency failed: ${message(e)}`;
      }
    }
    let j = 0;
    return Promise.all(crops.map(async (c): Promise<SaliencyImageResult> => {
      if (typeof c === 'string') return { error: c };
      const i = j++;
      if (!answer) return { error: failure };
      const pngs = await saliencyPngs(c, 1, answer.maps.subarray(i * px, (i + 1) * px), size, { scale: options.scale });
      return {
        probs: Array.from(answer.probs.subarray(i * k, (i + 1) * k)),
        target: answer.targets[i],
        saliencyPng: await blobToBase64(pngs.saliency),
        overlayPng: await blobToBase64(pngs.overlay),
      };
    }));
  },
};

window.emolens = api;
document.documentElement.dataset.emolensState = 'idle';
