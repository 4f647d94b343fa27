// PNG files of a saliency map, made in the page with OffscreenCanvas.convertToBlob (no PNG
// library): the raw map at model input size as 0..255 gray (|g| / max |g|), and the colour-mapped
// heat map blended over the face crop, scaled up for viewing. Used by the classify CLI's page.
import { mapRGBA, normaliseSaliency, overlayRGBA } from '../../vision/heatmap';

export interface SaliencyPngOptions {
  /** Overlay side = model input size × scale. Default 4 (192×192 for the 48×48 emotion model). */
  scale?: number;
  /** Heat-map opacity at the hottest pixels, 0..1. Default 0.75. */
  opacity?: number;
}

/** RGBA pixels → PNG blob. */
export function rgbaToPng(px: Uint8ClampedArray<ArrayBuffer>, w: number, h: number): Promise<Blob> {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
  ctx.putImageData(new ImageData(px, w, h), 0, 0);
  return c.convertToBlob({ type: 'image/png' });
}

/**
 * face: the size×size crop the model saw (0..255; channels 1 gray or 3 RGB); map: its size×size
 * saliency. Returns the raw-map PNG (size×size) and the overlay PNG (size·scale square).
 */
export async function saliencyPngs(face: ArrayLike<number>, channels: number, map: ArrayLike<number>, size: number, o: SaliencyPngOptions = {}): Promise<{ saliency: Blob; overlay: Blob }> {
  const out = Math.round(size * (o.scale ?? 4));
  const [saliency, overlay] = await Promise.all([
    rgbaToPng(mapRGBA(normaliseSaliency(map, 1)), size, size),
    rgbaToPng(overlayRGBA(face, channels, normaliseSaliency(map), size, out, o.opacity ?? 0.75), out, out),
  ]);
  return { saliency, overlay };
}

/** A blob's bytes as base64 (for handing PNGs to puppeteer). */
export async function blobToBase64(b: Blob): Promise<string> {
  const bytes = new Uint8Array(await b.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
