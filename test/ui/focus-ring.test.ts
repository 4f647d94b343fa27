import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/ui/app/app-shell.js';
import type { AppShell } from '../../src/ui/app/app-shell.js';
import type { InferenceClient } from '../../src/worker/client.js';
import type { PipelineClient } from '../../src/worker/pipeline-client.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

const inference = (): InferenceClient => ({
  async load() {
    return { backend: 'cpu', reason: 'CPU backend requested.', classes: CLASSES, inputSize: 48 };
  },
  async classify(c) {
    return new Float32Array(c.n * 7);
  },
  async on() {},
  terminate() {},
});
const pipeline = (): PipelineClient => ({
  async load() {
    return { backend: 'cpu', stages: { detector: 'cpu', emotion: 'cpu', gender: 'cpu' }, reason: 'CPU backend requested.', emotionClasses: CLASSES, genderClasses: ['female', 'male'] };
  },
  async analyze(frame) {
    frame.close();
    return { faces: [], width: 4, height: 3, timings: {}, backend: 'cpu' };
  },
  async on() {},
  async loseDevice() { return false; },
  terminate() {},
});

/** WCAG relative luminance of "rgb(r, g, b)". */
function luminance(rgb: string): number {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

suite('focus ring', () => {
  test('keyboard focus on a button and on a link: a 3 px ring with ≥ 3:1 contrast against the page', async () => {
    const el = await fixture<AppShell>(html`<emo-app-shell .clientFactory=${inference} .pipelineFactory=${pipeline}></emo-app-shell>`);
    const view = el.shadowRoot!.querySelector('emo-camera-view')!;
    await waitUntil(() => !view.shadowRoot!.querySelector<HTMLButtonElement>('#start')?.disabled, 'ready');
    const page = getComputedStyle(el).backgroundColor;
    const link = el.shadowRoot!.querySelector('emo-bench-link')!.shadowRoot!.querySelector('a')!;
    const button = view.shadowRoot!.querySelector<HTMLButtonElement>('#sample')!;
    for (const target of [button, link]) {
      target.focus();
      const s = getComputedStyle(target);
      expect(s.outlineStyle, target.outerHTML).to.equal('solid');
      expect(parseFloat(s.outlineWidth)).to.be.at.least(3);
      expect(contrast(s.outlineColor, page), `${s.outlineColor} on ${page}`).to.be.at.least(3);
    }
  });
});
