import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/ui/camera/camera-view.js';
import type { CameraView } from '../../src/ui/camera/camera-view.js';
import { GENDER_KEY } from '../../src/ui/camera/gender-controller.js';
import { drawOverlay, faceCaption } from '../../src/ui/camera/face-overlay.js';
import type { AnalyzeOptions, PipelineResult } from '../../src/worker/api.js';
import type { PipelineFace } from '../../src/worker/frame-pipeline.js';
import type { PipelineClient } from '../../src/worker/pipeline-client.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const probs = (top: string) => Object.fromEntries(CLASSES.map((c) => [c, c === top ? 0.64 : 0.06]));

function face(track: number, x: number, gender = true): PipelineFace {
  return {
    box: [x, 20, 40, 50], score: 0.9, landmarks: [], track,
    emotion: { label: 'happy', probs: probs('happy') },
    ...(gender ? { gender: { label: 'female', probs: { female: 0.7, male: 0.3 } } } : {}),
  };
}

/** Heat maps as the worker answers them when asked: one per face, target 3 or the asked class. */
function heatMaps(opts: AnalyzeOptions): PipelineResult['saliency'] {
  const S = 48;
  const target = opts.saliency!.target === 'predicted' ? 3 : opts.saliency!.target;
  return { size: S, faces: [2, 1].map((track) => ({ track, affine: { a: 1, b: 0, c: 0, d: 1, tx: 10 * track, ty: 0 }, crop: new Uint8Array(S * S).fill(100), map: new Float32Array(S * S).fill(0.5), target })) };
}

/**
 * A worker stand-in: loads at once, answers every frame with two faces, #2 before #1 (gender only
 * when asked; heat maps when asked and `maps`).
 */
function fakeClient(calls: AnalyzeOptions[], maps = false): () => PipelineClient {
  return () => ({
    async load() {
      return { backend: 'webgpu', stages: { detector: 'webgpu', emotion: 'webgpu', gender: 'webgpu' }, reason: 'test', emotionClasses: CLASSES, genderClasses: ['female', 'male'] };
    },
    async analyze(frame, opts) {
      calls.push(opts);
      frame.close();
      const r: PipelineResult = { faces: [face(2, 100, opts.gender), face(1, 10, opts.gender)], width: 200, height: 120, timings: { detect: 5, crop: 1, classify: 3, total: 9 }, backend: 'webgpu' };
      return maps && opts.saliency ? { ...r, saliency: heatMaps(opts) } : r;
    },
    async on() {},
    async loseDevice() { return false; },
    terminate() {},
  });
}

async function pngFile(name = 'a.png'): Promise<File> {
  const c = new OffscreenCanvas(200, 120);
  c.getContext('2d')!.fillRect(0, 0, 200, 120);
  return new File([await c.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
}

/** A short playable WebM (a canvas recorded for about half a second), as a blob URL. */
async function recordClip(): Promise<string> {
  const c = document.createElement('canvas');
  c.width = 64;
  c.height = 48;
  const ctx = c.getContext('2d')!;
  const rec = new MediaRecorder(c.captureStream(30), { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((r) => (rec.onstop = r));
  rec.start();
  for (let i = 0; i < 15; i++) {
    ctx.fillStyle = `rgb(${i * 16}, 80, 120)`;
    ctx.fillRect(0, 0, 64, 48);
    await new Promise((r) => setTimeout(r, 35));
  }
  rec.stop();
  await stopped;
  return URL.createObjectURL(new Blob(chunks, { type: 'video/webm' }));
}

/** Opens a 200×120 PNG named `name` through the view's file input, as a user picking it would. */
async function openPng(el: CameraView, name = 'a.png'): Promise<void> {
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('#file')!;
  const dt = new DataTransfer();
  dt.items.add(await pngFile(name));
  input.files = dt.files;
  input.dispatchEvent(new Event('change'));
}

suite('emo-camera-view', () => {
  teardown(() => localStorage.removeItem(GENDER_KEY));

  test('faceCaption: "#id label p%" plus gender when present', () => {
    expect(faceCaption(face(3, 0))).to.equal('#3 happy 64%, female 70%');
    expect(faceCaption(face(3, 0, false))).to.equal('#3 happy 64%');
  });

  test('drawOverlay draws the box where the face is, mirrored for the front camera', () => {
    const c = document.createElement('canvas');
    c.width = 300;
    c.height = 200;
    const ctx = c.getContext('2d')!;
    const f = { ...face(1, 10), box: [10, 10, 60, 60] as [number, number, number, number] };
    const alphaAt = (x: number, y: number) => ctx.getImageData(x, y, 1, 1).data[3];
    drawOverlay(ctx, [f], { mirror: false, classes: CLASSES });
    expect(alphaAt(10, 40)).to.be.above(0); // left edge of the box
    expect(alphaAt(289, 20)).to.equal(0);
    drawOverlay(ctx, [f], { mirror: true, classes: CLASSES });
    expect(alphaAt(10, 20)).to.equal(0);
    expect(alphaAt(289, 20)).to.be.above(0); // 300 - 10 - 60 = 230 .. 290
  });

  test('a photo goes through the pipeline (reset), faces listed; gender off is remembered and sent', async () => {
    const calls: AnalyzeOptions[] = [];
    const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${fakeClient(calls)} .autoplaySample=${false}></emo-camera-view>`);
    const root = el.shadowRoot!;
    await waitUntil(() => !root.querySelector<HTMLButtonElement>('#start')!.disabled, 'pipeline ready');
    const gender = root.querySelector<HTMLInputElement>('#gender')!;
    expect(gender.checked).to.equal(true);
    gender.click();
    expect(localStorage.getItem(GENDER_KEY)).to.equal('off');
    await openPng(el);
    // The frame loop now copies the frame before sending it: on a loaded machine that takes over the default 1 s.
    await waitUntil(() => el.framesAnalyzed === 1, 'one frame analysed', { timeout: 10_000 });
    await el.updateComplete;
    expect(calls).to.deep.equal([{ gender: false, reset: true, follow: false }]);
    const list = root.querySelector('emo-face-list')!;
    await list.updateComplete;
    // Track-id order whatever order the worker answers in, each with all seven bars.
    const items = [...list.shadowRoot!.querySelectorAll('li')];
    expect(items.map((li) => li.querySelector('.caption')!.textContent!.trim())).to.deep.equal(['#1 happy 64%', '#2 happy 64%']);
    expect(items.map((li) => li.querySelectorAll('meter').length)).to.deep.equal([7, 7]);
    // A still photo: no frame rate, no backend (the page's backend line says it once).
    expect(root.querySelector('#hud')!.textContent!.trim()).to.equal('Photo · 2 faces · detect 5 ms · classify 4 ms');
    // The analysed frame is drawn at its own size; the overlay at the picture's shown size, its labels readable and apart.
    expect(root.querySelector<HTMLCanvasElement>('canvas.frame')!.width).to.equal(200);
    const canvas = root.querySelector<HTMLCanvasElement>('canvas.overlay')!;
    await waitUntil(() => el.labels.length === 2, 'labels drawn');
    expect(canvas.width).to.equal(Math.round(canvas.clientWidth * devicePixelRatio));
    expect(Math.min(...el.labels.map((l) => l.font))).to.be.at.least(12);
  });

  test('heat maps on: each frame asks the worker for them and the layer draws those; without them the page crops and explains', async () => {
    for (const maps of [true, false]) {
      const calls: AnalyzeOptions[] = [];
      const explained: number[] = [];
      const explain = async (_gray: Uint8Array, n: number) => {
        explained.push(n);
        return { maps: new Float32Array(n * 48 * 48).fill(0.25), probs: new Float32Array(n * 7).fill(1 / 7), targets: new Int32Array(n).fill(3) };
      };
      const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${fakeClient(calls, maps)} .explain=${explain} .autoplaySample=${false}></emo-camera-view>`);
      const root = el.shadowRoot!;
      await waitUntil(() => !root.querySelector<HTMLButtonElement>('#start')!.disabled, 'pipeline ready');
      const open = async (n: number) => {
        await openPng(el);
        await waitUntil(() => el.framesAnalyzed === n, `frame ${n}`, { timeout: 10_000 });
        await el.updateComplete;
      };
      await open(1);
      const controls = root.querySelector('emo-saliency-controls')!;
      controls.dispatchEvent(new CustomEvent('emo-saliency-change', { detail: { enabled: true, opacity: 0.75, target: 'predicted' }, bubbles: true, composed: true }));
      await open(2);
      expect(calls[1].saliency, 'the second frame asks for the maps').to.deep.equal({ target: 'predicted' });
      const layer = root.querySelector('emo-saliency-layer')!;
      await waitUntil(() => layer.faces.length === 2, 'maps on the layer');
      expect(layer.faces[0].map![0], maps ? 'the worker\'s maps' : 'the page\'s fallback').to.equal(maps ? 0.5 : 0.25);
      // The first frame's fallback (switched on over a photo already analysed) is the only explain call when the worker makes maps.
      expect(explained.length, `explain calls with${maps ? '' : 'out'} worker maps`).to.equal(maps ? 1 : 2);
    }
  });

  test('analysedFrom names the source of the result on screen: a frame of the previous source, finishing after a new file was opened, is not shown', async () => {
    const held: (() => void)[] = [];
    const base = fakeClient([]);
    // Each frame's answer waits until the test releases it.
    const factory = (): PipelineClient => {
      const c = base();
      return { ...c, analyze: (frame, opts) => new Promise((r) => held.push(() => void c.analyze(frame, opts).then(r))) };
    };
    const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${factory} .autoplaySample=${false}></emo-camera-view>`);
    const root = el.shadowRoot!;
    await waitUntil(() => !root.querySelector<HTMLButtonElement>('#start')!.disabled, 'pipeline ready');
    const open = (name: string) => openPng(el, name);
    expect(el.analysedFrom).to.equal('');
    await open('first.png');
    await waitUntil(() => held.length === 1, 'first frame sent', { timeout: 10_000 });
    await open('second.png');
    await waitUntil(() => held.length === 2, 'second frame sent', { timeout: 10_000 });
    held[0]();
    await new Promise((r) => setTimeout(r, 50));
    expect(el.analysedFrom, 'the first photo\'s late answer').to.equal('');
    expect(el.framesAnalyzed).to.equal(0);
    held[1]();
    await waitUntil(() => el.analysedFrom === 'second.png', 'the second photo shown', { timeout: 10_000 });
    expect(el.framesAnalyzed).to.equal(1);
  });

  test('no camera: a photo opened while the page was still looking for cameras is not replaced by the sample clip', async () => {
    const md = navigator.mediaDevices;
    const real = md.enumerateDevices;
    let answer: (d: MediaDeviceInfo[]) => void = () => {};
    md.enumerateDevices = () => new Promise((r) => (answer = r));
    try {
      const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${fakeClient([])} .sampleClip=${'/no-such-clip.mp4'}></emo-camera-view>`);
      const root = el.shadowRoot!;
      await waitUntil(() => !root.querySelector<HTMLButtonElement>('#start')!.disabled, 'pipeline ready');
      await openPng(el, 'early.png');
      answer([]);
      await waitUntil(() => el.analysedFrom === 'early.png', 'the photo analysed', { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 100));
      await el.updateComplete;
      expect(el.analysedFrom).to.equal('early.png');
      expect(root.querySelector('img[alt="Photo being analysed"]'), 'the photo stays on the stage').to.not.equal(null);
      expect(root.querySelector('video')!.getAttribute('src'), 'the clip was not loaded').to.equal(null);
      expect(root.textContent).to.match(/No camera was found on this device, so try the sample clip/);
    } finally {
      md.enumerateDevices = real;
    }
  });

  test('a source still starting when another is chosen never takes the stage: a slow photo decode, a camera granted late', async () => {
    const calls: AnalyzeOptions[] = [];
    const realDecode = window.createImageBitmap;
    const md = navigator.mediaDevices;
    const realGum = md.getUserMedia;
    let decodeSlow: () => void = () => {};
    let grant: (s: MediaStream) => void = () => {};
    // The photo named slow.png decodes only when the test says so; the camera answers when the test grants it.
    window.createImageBitmap = ((src: ImageBitmapSource, ...rest: unknown[]) => {
      const go = () => (realDecode as (...a: unknown[]) => Promise<ImageBitmap>)(src, ...rest);
      return src instanceof File && src.name === 'slow.png' ? new Promise<void>((r) => (decodeSlow = r)).then(go) : go();
    }) as typeof createImageBitmap;
    md.getUserMedia = () => new Promise((r) => (grant = r));
    try {
      const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${fakeClient(calls)} .autoplaySample=${false}></emo-camera-view>`);
      const root = el.shadowRoot!;
      await waitUntil(() => !root.querySelector<HTMLButtonElement>('#start')!.disabled, 'pipeline ready');
      const open = (name: string) => openPng(el, name);
      await open('slow.png');
      await open('quick.png');
      await waitUntil(() => el.analysedFrom === 'quick.png', 'quick.png analysed', { timeout: 10_000 });
      decodeSlow();
      await new Promise((r) => setTimeout(r, 200));
      expect(calls.length, 'frames sent to the worker: quick.png only').to.equal(1);
      // Start the camera, then open a photo while the permission prompt is up; the grant comes after.
      root.querySelector<HTMLButtonElement>('#start')!.click();
      await open('photo.png');
      await waitUntil(() => el.analysedFrom === 'photo.png', 'photo.png analysed', { timeout: 10_000 });
      const canvas = document.createElement('canvas');
      canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
      const stream = canvas.captureStream();
      grant(stream);
      await new Promise((r) => setTimeout(r, 200));
      await el.updateComplete;
      expect(stream.getVideoTracks()[0].readyState, 'the late camera is stopped').to.equal('ended');
      expect(root.querySelector('img[alt="Photo being analysed"]'), 'the photo stays on the stage').to.not.equal(null);
      expect(el.analysedFrom).to.equal('photo.png');
    } finally {
      window.createImageBitmap = realDecode;
      md.getUserMedia = realGum;
    }
  });

  test('a photo opened while the sample clip is starting: the clip neither loads nor plays behind the photo', async () => {
    const clip = await recordClip();
    const calls: AnalyzeOptions[] = [];
    const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${fakeClient(calls)} .autoplaySample=${false} .sampleClip=${clip}></emo-camera-view>`);
    const root = el.shadowRoot!;
    await waitUntil(() => !root.querySelector<HTMLButtonElement>('#start')!.disabled, 'pipeline ready');
    // The clip plays by itself when asked alone (the recording is playable here).
    await el.playSample();
    const v = root.querySelector('video')!;
    expect(v.paused, 'the clip plays when nothing else is chosen').to.equal(false);
    const input = root.querySelector<HTMLInputElement>('#file')!;
    const dt = new DataTransfer();
    dt.items.add(await pngFile('photo.png'));
    // Ask for the clip again and, in the same task, open the photo: the photo is the last choice.
    const playing = el.playSample();
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await playing;
    await waitUntil(() => el.analysedFrom === 'photo.png', 'the photo analysed', { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(v.paused, 'no clip playing behind the photo').to.equal(true);
    expect(el.analysedFrom).to.equal('photo.png');
    URL.revokeObjectURL(clip);
  });

  test('the Gender setting starts off when localStorage says so', async () => {
    localStorage.setItem(GENDER_KEY, 'off');
    const el = await fixture<CameraView>(html`<emo-camera-view .clientFactory=${fakeClient([])} .autoplaySample=${false}></emo-camera-view>`);
    expect(el.shadowRoot!.querySelector<HTMLInputElement>('#gender')!.checked).to.equal(false);
  });
});
