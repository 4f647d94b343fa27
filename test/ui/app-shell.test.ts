import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/ui/app/app-shell.js';
import type { AppShell } from '../../src/ui/app/app-shell.js';
import type { EmotionMeter } from '../../src/ui/common/emotion-meter.js';
import type { Crops, LoadOptions, LoadResult } from '../../src/worker/api.js';
import type { InferenceClient } from '../../src/worker/client.js';
import type { PipelineClient } from '../../src/worker/pipeline-client.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/** A worker stand-in: answers load() (or fails it) and returns fixed probabilities. */
function fakeClient(o: { fail?: string; seen?: Crops[]; options?: LoadOptions[] } = {}): () => InferenceClient {
  return () => ({
    async load(options) {
      o.options?.push(options);
      if (o.fail) throw new Error(o.fail);
      return { backend: 'cpu', reason: 'CPU backend requested.', classes: CLASSES, inputSize: 48 } satisfies LoadResult;
    },
    async classify(crops) {
      o.seen?.push(crops);
      const out = new Float32Array(crops.n * 7);
      for (let i = 0; i < crops.n; i++) out.set([0.1, 0, 0.1, 0.6, 0.1, 0.05, 0.05], i * 7);
      return out;
    },
    async on() {},
    terminate() {},
  });
}

/** A camera-pipeline stand-in that loads on the CPU ("timed") and finds no face. */
const fakePipeline = (): PipelineClient => ({
  async load() {
    return { backend: 'cpu', stages: { detector: 'cpu', emotion: 'cpu', gender: 'cpu' }, reason: 'software fallback, so both backends were timed: …; using the faster, CPU.', emotionClasses: CLASSES, genderClasses: ['female', 'male'] };
  },
  async analyze(frame) {
    frame.close();
    return { faces: [], width: 96, height: 64, timings: {}, backend: 'cpu' };
  },
  async on() {},
  async loseDevice() { return false; },
  terminate() {},
});

async function pngFile(): Promise<File> {
  const c = new OffscreenCanvas(96, 64);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 96, 64);
  return new File([await c.convertToBlob({ type: 'image/png' })], 'gray.png', { type: 'image/png' });
}

/** What the camera view fires after "Read the whole picture anyway" under its no-face message. */
function readWhole(el: AppShell, file: File) {
  const view = el.shadowRoot!.querySelector('emo-camera-view')!;
  view.dispatchEvent(new CustomEvent('emo-whole-image', { detail: { file }, bubbles: true, composed: true }));
}

suite('emo-app-shell', () => {
  teardown(() => {
    document.documentElement.dataset.emolensState = '';
  });

  test('ready once both workers load (the classifier on the pipeline’s backend), one backend line, then the whole picture on request', async () => {
    const seen: Crops[] = [];
    const options: LoadOptions[] = [];
    const el = await fixture<AppShell>(html`<emo-app-shell .clientFactory=${fakeClient({ seen, options })} .pipelineFactory=${fakePipeline}></emo-app-shell>`);
    await waitUntil(() => document.documentElement.dataset.emolensState === 'ready', 'never ready');
    // Not a second timing of its own: the pipeline's choice (the page once said "webgpu" and "CPU" at once).
    expect(options[0]).to.deep.include({ model: 'emotion', backend: 'cpu' });
    expect(seen.length).to.equal(1); // the warm-up call
    const notice = el.shadowRoot!.querySelector('emo-backend-notice')!;
    await notice.updateComplete;
    expect(notice.shadowRoot!.querySelectorAll('#backend-line').length).to.equal(1);
    expect(notice.shadowRoot!.querySelector('#backend-line')!.textContent).to.match(/run on the main processor \(CPU\), because .* faster/);
    // Only one way to open a photo: the live view's; no centre-crop picker.
    expect(el.shadowRoot!.querySelector('emo-image-picker')).to.equal(null);
    expect(el.shadowRoot!.querySelector('#whole-image-result')).to.equal(null);

    readWhole(el, await pngFile());
    await waitUntil(() => el.shadowRoot!.querySelector('#whole-image-result'), 'no result section');
    expect(el.shadowRoot!.querySelector('#whole-image-result')!.textContent).to.match(/No face was found in gray\.png/);
    await waitUntil(() => el.shadowRoot!.querySelector('emo-emotion-meter'), 'no meter');
    const meter = el.shadowRoot!.querySelector('emo-emotion-meter') as EmotionMeter;
    await meter.updateComplete;
    expect(meter.shadowRoot!.querySelectorAll('[role=meter]').length).to.equal(7);
    expect(meter.shadowRoot!.querySelector('.top')!.textContent).to.contain('Happy');
    expect(seen[1].n).to.equal(1);
    expect(seen[1].gray.length).to.equal(48 * 48);
    expect(seen[1].gray[0]).to.equal(128);
    await expect(el).shadowDom.to.be.accessible();
  });

  test('a load failure sets state error and shows the message in an alert', async () => {
    const el = await fixture<AppShell>(
      html`<emo-app-shell .clientFactory=${fakeClient({ fail: 'weights/emotion.safetensors: missing tensor "head.bias"' })} .pipelineFactory=${fakePipeline}></emo-app-shell>`,
    );
    await waitUntil(() => document.documentElement.dataset.emolensState === 'error', 'never error');
    await el.updateComplete;
    const alerts = [...el.shadowRoot!.querySelectorAll('emo-error-alert')].map((a) => a.shadowRoot!.querySelector('[role=alert]')!.textContent);
    expect(alerts.join(' ')).to.contain('missing tensor "head.bias"');
  });

  test('an undecodable image shows an alert and keeps the app ready', async () => {
    const el = await fixture<AppShell>(html`<emo-app-shell .clientFactory=${fakeClient()} .pipelineFactory=${fakePipeline}></emo-app-shell>`);
    await waitUntil(() => document.documentElement.dataset.emolensState === 'ready', 'never ready');
    readWhole(el, new File([new Uint8Array([0, 1, 2, 3])], 'not-an-image.jpg', { type: 'image/jpeg' }));
    await waitUntil(
      () => [...el.shadowRoot!.querySelectorAll('emo-error-alert')].some((a) => a.message.includes('not-an-image.jpg')),
      'no alert',
    );
    expect(document.documentElement.dataset.emolensState).to.equal('ready');
  });
});
