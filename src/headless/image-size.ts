// Width and height of an encoded image without decoding its pixels, so the CLI pages can decode a
// huge photo already scaled down (createImageBitmap's resize options) instead of at full size.

/** From the file's header: an <img> reads the size on load and decodes only when painted. Undefined when unreadable. */
export async function imageSize(blob: Blob): Promise<{ width: number; height: number } | undefined> {
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('not an image'));
    });
    return { width: img.naturalWidth, height: img.naturalHeight };
  } catch {
    return undefined; // the decode that follows says why
  } finally {
    URL.revokeObjectURL(url);
  }
}
