// PipelineEngine with fakes (no weights, no GPU): detection is the pipeline with its classifiers off.
// detectFaces answers the chosen detector's faces with the caller's thresholds, runs no classifier,
// closes the frame; the load names the detector's credit line; a lost device is rebuilt by the next
// call, which says so; a call before loadPipeline is a clear error.
import { expect } from '@esm-bundle/chai';
import type { GpuProbe } from '../../src/gpu/device-select.js';
import type { DetectOptions, WorkerEvent } from '../../src/worker/api.js';
import type { FrameDetector } from '../../src/worker/frame-pipeline.js';
import type { LoadedModel } from '../../src/worker/inference-engine.js';
import { PipelineEngine } from '../../src/worker/pipeline-engine.js';
import type { Detection } from '../../src/vision/tracker.js';

function fakeDevice() {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((r) => (lose = r));
  const device = { lost, destroy: () => undefined };
  return { device: device as unknown as GPUDevice, lose: (message: string) => lose({ reason: 'unknown', message } as GPUDeviceLostInfo) };
}

function setup(gpu: 'none' | 'hardware' = 'hardware') {
  const log: string[] = [];
  const devices: ReturnType<typeof fakeDevice>[] = [];
  const probe = async (): Promise<GpuProbe> => {
    if (gpu === 'none') return { ok: false, why: 'no adapter here' };
    devices.push(fakeDevice());
    return { ok: true, adapter: {} as GPUAdapter, device: devices.at(-1)!.device, name: 'test adapter', fallback: false };
  };
  const model: LoadedModel = {
    classes: ['angry', 'happy'],
    inputSize: 4,
    async create(o) {
      log.push(`emotion:create:${o.device ? 'webgpu' : o.cpu}`);
      return { backend: o.device ? 'webgpu' : 'wasm', classify: async (_p: ArrayLike<number>, n: number) => { log.push(`emotion:classify:${n}`); return new Float32Array(n * 2).fill(0.5); }, dispose: () => undefined } as never;
    },
  };
  const makeDetector = async (device: GPUDevice | undefined): Promise<FrameDetector> => {
    const backend = device ? 'webgpu' : 'wasm';
    log.push(`detector:create:${backend}`);
    return {
      attribution: 'YuNet (test authors), Apache-2.0',
      async detect(frame, options?: DetectOptions) {
        log.push(`detector:detect:${backend}:${options?.scoreThreshold ?? '-'}`);
        const faces: Detection[] = [{ box: [1, 2, 3, 4], score: 0.9, landmarks: [] }, { box: [5, 6, 7, 8], score: 0.7, landmarks: [] }];
        const { width, height } = frame as ImageBitmap;
        return { faces: faces.filter((f) => f.score >= (options?.scoreThreshold ?? 0)), input: { width, height, rgba: new Uint8ClampedArray(width * height * 4) } };
      },
      detectWindows: async () => { throw new Error('not following'); },
      dispose: () => log.push(`detector:dispose:${backend}`),
    };
  };
  const engine = new PipelineEngine(async () => model, makeDetector, probe, 'http://example.test/app/inference.worker.js');
  const events: WorkerEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, log, devices, events };
}

const frame = () => createImageBitmap(new ImageData(8, 6));

suite('pipeline-engine', () => {
  test('detectFaces: the detector alone, with the caller\'s thresholds; the frame is closed; no classifier runs', async () => {
    const { engine, log } = setup();
    const info = await engine.load({ backend: 'webgpu' });
    expect(info.stages.detector).to.equal('webgpu');
    expect(info.attribution).to.equal('YuNet (test authors), Apache-2.0');
    const bmp = await frame();
    const all = await engine.detectFaces(bmp);
    expect(all.map((f) => f.score)).to.deep.equal([0.9, 0.7]);
    expect(bmp.width, 'closed').to.equal(0);
    const strict = await engine.detectFaces(await frame(), { scoreThreshold: 0.8 });
    expect(strict.map((f) => f.box)).to.deep.equal([[1, 2, 3, 4]]);
    expect(log.filter((l) => l.includes('classify'))).to.deep.equal([]);
    expect(log.filter((l) => l.startsWith('detector:detect'))).to.deep.equal(['detector:detect:webgpu:-', 'detector:detect:webgpu:0.8']);
  });

  test('no WebGPU: detection runs on the CPU path', async () => {
    const { engine, log } = setup('none');
    const info = await engine.load({});
    expect(info.stages.detector).to.equal('wasm');
    expect(await engine.detectFaces(await frame())).to.have.length(2);
    expect(log).to.include('detector:detect:wasm:-');
  });

  test('a lost device: reported, and the next detectFaces rebuilds on a new one and says so', async () => {
    const { engine, log, devices, events } = setup();
    await engine.load({ backend: 'webgpu' });
    devices[0].lose('driver reset');
    await new Promise((r) => setTimeout(r, 0));
    expect(events[0]).to.deep.include({ type: 'device-lost' });
    expect(await engine.detectFaces(await frame())).to.have.length(2);
    expect(devices).to.have.length(2);
    expect(log.filter((l) => l === 'detector:create:webgpu')).to.have.length(2);
    expect(events[1].type).to.equal('recovered');
    expect(events[1].type === 'recovered' && events[1].reason).to.match(/driver reset.*Rebuilt/);
  });

  test('detectFaces before loadPipeline: a clear error, and the frame is still closed', async () => {
    const { engine } = setup();
    const bmp = await frame();
    let err: unknown;
    await engine.detectFaces(bmp).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/not loaded: call loadPipeline\(\) first/);
    expect(bmp.width).to.equal(0);
  });
});
