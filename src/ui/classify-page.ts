// dist/classify.js: the page tools/classify.mjs drives through puppeteer. No UI; it exposes
// window.emolens so the CLI can load a model and send batches of encoded images. It goes through
// exactly the app's path: the same worker (weights loading, backend choice) and the same
// decodeImage + toGrayCrop conversion as the file picker.
import type { LoadOptions, LoadResult } from '../worker/api';
import { createInferenceClient, type InferenceClient } from '../worker/client';
import { decodeImage, toGrayCrop } from '../vision/to-gray-crop';

/** One encoded image: its name (for messages) and its bytes as base64. */
export interface EncodedImage {
  name: string;
  base64: string;
}

/** Per image: probabilities in the model's class order, or why there are none. */
export type ImageResult = { probs: number[] } | { error: string };

export interface ClassifyPageApi {
  load(options: LoadOptions): Promise<LoadResult>;
  classifyBatch(images: EncodedImage[]): Promise<ImageResult[]>;
}

declare global {
  interface Window {
    emolens?: ClassifyPageApi;
  }
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let client: InferenceClient | undefined;
let loaded: LoadResult | undefined;

async function toCrop(img: EncodedImage, size: number): Promise<Uint8Array | string> {
  try {
    const bytes = fromBase64(img.base64);
    const bitmap = await decodeImage(new Blob([bytes]), img.name);
    try {
      return toGrayCrop(bitmap, size);
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
      await client.classify({ gray: new Uint8Array(loaded.inputSize ** 2), n: 1 });
      document.documentElement.dataset.emolensState = 'ready';
      return loaded;
    } catch (e) {
      document.documentElement.dataset.emolensState = 'error';
      throw e;
    }
  },

  async classifyBatch(images) {
    if (!client || !loaded) throw new Error('call load() first');
    const size = loaded.inputSize;
    const crops = await Promise.all(images.map((img) => toCrop(img, size)));
    const good = crops.filter((c): c is Uint8Array => typeof c !== 'string');
    const gray = new Uint8Array(good.length * size * size);
    good.forEach((c, i) => gray.set(c, i * size * size));
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
};

window.emolens = api;
document.documentElement.dataset.emolensState = 'idle';
