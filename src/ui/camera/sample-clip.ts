// The sample clip is not part of the repository: `npm run build` copies it from the data folder
// (EMOLENS_DATA, media/video_01.mp4) into dist/media/ when it is there, and tells the page through
// this constant. Without it, the page offers the camera and the file picker only.
declare const __EMOLENS_SAMPLE_CLIP__: boolean | undefined;

/** The bundled clip for machines without a camera (© 2012 Aaron "tango" Tang, CC BY 2.0), or null
 * when the build had none. Unbundled code (the browser unit tests) sees the clip as present. */
export const SAMPLE_CLIP: string | null =
  typeof __EMOLENS_SAMPLE_CLIP__ === 'boolean' && !__EMOLENS_SAMPLE_CLIP__ ? null : 'media/video_01.mp4';
