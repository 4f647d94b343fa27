// Shared by the model-spec and weights tests: the documented emotion.json, and the message of an
// expected error.
export const EMOTION = {
  name: 'emotion', arch: 'mini-xception', input: { size: 48, channels: 1, scale: 0.00784313725490196, offset: -1 },
  stem: 8, widths: [16, 32, 64, 128], classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
  bn_eps: 1e-5, flip_tta: true,
};

/** The message of the error fn throws; fails when it throws none. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
