import { expect } from '@esm-bundle/chai';
import type { GpuProbe } from '../gpu/device-select.js';
import type { YunetModel } from '../nn/yunet-weights.js';
import type { Face } from '../vision/types.js';
import type { WorkerEvent } from './api.js';
import { DetectorEngine, type DetectorLike } from './detector-engine.js';

/** A detector that answers one face whose score names its backend; ms fakes its speed. */
function fakeDetector(backend: 'webgpu' | 'cpu', ms: number, log: string[]): DetectorLike {
  return {
    backend,
    async detect(frame, options) {
      log.push(`${backend}:detect:${'width' in frame ? frame.width : 0}:${options?.scoreThreshold ?? '-'}`);
      await new Promise((r) => setTimeout(r, ms));
      return [{ box: [1, 2, 3, 4], score: backend === 'webgpu' ? 0.9 : 0.8, landmarks: [] } satisfies Face];
    },
    async prepare(w, h) {
      log.push(`${backend}:prepare:${w}x${h}`);
    },
    dispose() {
      log.push(`${backend}:dispose`);
    },
  };
}

function fakeDevice() {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((r) => (lose = r));
  const device = { lost, destroyed: false, destroy() { this.destroyed = true; lose({ reason: 'destroyed', message: '' } as GPUDeviceLostInfo); } };
  return { device: device as unknown as GPUDevice, raw: device, lose: (message: string) => lose({ reason: 'unknown', message } as GPUDeviceLostInfo) };
}

const MODEL = { spec: { attribution: { authors: 'Wei Wu, Hanyang Peng, Shiqi Yu', license: 'Apache-2.0' } } } as unknown as YunetModel;

function setup(o: { gpu?: 'none' | 'hardware' | 'fallback'; gpuMs?: number; cpuMs?: number; failLoad?: string } = {}) {
  const log: string[] = [];
  const urls: string[] = [];
  let dev = fakeDevice();
  const gpu = async (): Promise<GpuProbe> => {
    if ((o.gpu ?? 'hardware') === 'none') return { ok: false, why: 'no adapter here' };
    dev = fakeDevice();
    return { ok: true, adapter: {} as GPUAdapter, device: dev.device, name: 'test adapter', fallback: o.gpu === 'fallback' };
  };
  const engine = new DetectorEngine(
    async (url) => {
      urls.push(url);
      if (o.failLoad) throw new Error(o.failLoad);
      return MODEL;
    },
    async (_model, options) => (options.device ? fakeDetector('webgpu', o.gpuMs ?? 0, log) : fakeDetector('cpu', o.cpuMs ?? 0, log)),
    gpu,
    'http://example.test/app/inference.worker.js',
  );
  return { engine, log, urls, device: () => dev };
}

async function frame(w = 8, h = 6): Promise<ImageBitmap> {
  return createImageBitmap(new ImageData(w, h));
}

suite('detector engine', () => {
  test('detect() before load(): loads with defaults (WebGPU on a hardware adapter), weights next to the worker', async () => {
    const { engine, log, urls } = setup();
    const faces = await engine.detect(await frame(), { scoreThreshold: 0.7 });
    expect(faces[0].score).to.equal(0.9);
    expect(urls).to.deep.equal(['http://example.test/app/weights/']);
    expect(engine.info?.backend).to.equal('webgpu');
    expect(engine.info?.reason).to.equal('WebGPU on test adapter.');
    expect(engine.info?.attribution).to.match(/Wu, Hanyang Peng, Shiqi Yu.*Apache-2\.0/);
    expect(log).to.deep.equal(['webgpu:prepare:640x480', 'webgpu:detect:8:0.7']);
  });

  test('cpu requested; no WebGPU → CPU with the reason; webgpu requested without it → error', async () => {
    const a = setup();
    expect((await a.engine.load({ backend: 'cpu' })).reason).to.equal('CPU backend requested.');
    const b = setup({ gpu: 'none' });
    const r = await b.engine.load();
    expect(r.backend).to.equal('cpu');
    expect(r.reason).to.match(/^WebGPU unavailable: no adapter here\. Running the face detector on the CPU/);
    const c = setup({ gpu: 'none' });
    let err = '';
    await c.engine.load({ backend: 'webgpu' }).catch((e: Error) => (err = e.message));
    expect(err).to.match(/WebGPU unavailable: no adapter here/);
  });

  test('software adapter: both timed on a 640x480 frame, the faster kept, the other disposed', async () => {
    const slowGpu = setup({ gpu: 'fallback', gpuMs: 30, cpuMs: 1 });
    const r = await slowGpu.engine.load();
    expect(r.backend).to.equal('cpu');
    expect(r.timings!.frame).to.deep.equal([640, 480]);
    expect(r.timings!.webgpu).to.be.greaterThan(r.timings!.cpu);
    expect(r.reason).to.match(/software fallback, so both backends were timed on a 640x480 frame: WebGPU .* vs CPU .*; using the faster, CPU\./);
    expect(slowGpu.log).to.include('webgpu:dispose');
    expect(slowGpu.device().raw.destroyed).to.equal(true);
    expect(slowGpu.log.filter((l) => l.startsWith('webgpu:detect')).every((l) => l.includes(':640:'))).to.equal(true);
    const fastGpu = setup({ gpu: 'fallback', gpuMs: 1, cpuMs: 30 });
    expect((await fastGpu.engine.load()).backend).to.equal('webgpu');
    expect(fastGpu.log).to.include('cpu:dispose');
  });

  test('a lost device: event, then the next detect() rebuilds and says so', async () => {
    const { engine, device } = setup();
    const events: WorkerEvent[] = [];
    engine.subscribe((e) => events.push(e));
    await engine.load();
    device().lose('test loss');
    await new Promise((r) => setTimeout(r, 0));
    expect(events[0]).to.deep.equal({ type: 'device-lost', message: 'The GPU device was lost (unknown: test loss).' });
    expect((await engine.detect(await frame()))[0].score).to.equal(0.9);
    expect(events[1].type).to.equal('recovered');
    expect(events[1].type === 'recovered' && events[1].reason).to.match(/Rebuilt the face detector: WebGPU on test adapter\./);
  });

  test('weights that fail to load: a clear error, and the next call tries again', async () => {
    const { engine } = setup({ failLoad: 'could not download http://example.test/app/weights/yunet.json: 404' });
    let err = '';
    await engine.detect(await frame()).catch((e: Error) => (err = e.message));
    expect(err).to.equal('Could not load the face detector: could not download http://example.test/app/weights/yunet.json: 404');
    expect(engine.info).to.equal(undefined);
  });
});
