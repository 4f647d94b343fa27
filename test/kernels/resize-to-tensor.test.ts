import { expect } from '@esm-bundle/chai';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { ResizeToTensor } from '../../src/kernels/resize-to-tensor.js';
import { resizeToTensorRef } from '../../src/kernels/resize-to-tensor.ref.js';
import { detectorGeometry, windowGeometry } from '../../src/vision/yunet-decode.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';

function randomRgba(w: number, h: number, seed: number): Uint8Array {
  return Uint8Array.from(randomArray(w * h * 4, seed, 0, 256), (v) => Math.floor(v));
}

/** The frame as an rgba8unorm texture, run through ResizeToTensor. */
async function gpuResize(device: GPUDevice, rgba: Uint8Array, g: ReturnType<typeof detectorGeometry>, gs: ReturnType<typeof detectorGeometry>[] = [g]): Promise<Float32Array> {
  const tex = device.createTexture({ size: [g.frameW, g.frameH], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: tex }, rgba as Uint8Array<ArrayBuffer>, { bytesPerRow: g.frameW * 4 }, [g.frameW, g.frameH]);
  const out = storageBuffer(device, 'test.out', new Float32Array(g.padW * g.padH * 3).fill(NaN));
  const k = await ResizeToTensor.create(device, out, g.padW * g.padH);
  // Earlier geometries run first (one submit each), so a stale uniform would show in the last one.
  for (const gi of gs) {
    k.set(tex, gi);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    k.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
  }
  const res = await readFloats(device, out, g.padW * g.padH * 3);
  k.destroy();
  out.destroy();
  tex.destroy();
  return res;
}

// The shader computes sample positions in f32: (y + 0.5)·scale - 0.5 near y = 640 is off by up to
// ~1e-4 pixel, which between two bytes 255 apart moves the value by ~0.03. 0.05 = 1/20 of a level.
const ATOL = 0.05;

suite('resize-to-tensor', () => {
  test('ref: identity at scale 1 is the BGR bytes, zero padding right and bottom', () => {
    const rgba = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]); // 2x1
    const g = detectorGeometry(2, 1, 640, 4);
    expect([g.inW, g.inH, g.padW, g.padH]).to.deep.equal([2, 1, 4, 4]);
    const t = resizeToTensorRef(rgba, g);
    expect(Array.from(t.data.subarray(0, 6))).to.deep.equal([30, 20, 10, 60, 50, 40]);
    expect(t.data.subarray(6).every((v) => v === 0)).to.equal(true);
  });

  test('ref: halving averages 2x2 blocks (half-pixel centres)', () => {
    const rgba = new Uint8Array(4 * 2 * 4);
    [0, 100, 50, 150, 0, 100, 50, 150].forEach((v, i) => rgba.fill(v, i * 4, i * 4 + 3)); // 4x2 gray
    const g = { frameW: 4, frameH: 2, inW: 2, inH: 1, padW: 2, padH: 1 };
    const t = resizeToTensorRef(rgba, g);
    expect(Array.from(t.data)).to.deep.equal([50, 50, 50, 100, 100, 100]);
  });

  // Frame sizes: VGA at scale 1 (exact copy), a 16:9 HD frame fitted into 640 (downscale by 3),
  // a portrait photo, an odd tiny frame, and an upscale-free small frame padded to 32.
  for (const [fw, fh, side] of [[640, 480, 640], [1280, 720, 640], [460, 661, 640], [33, 17, 640], [100, 75, 320]] as const) {
    const g = detectorGeometry(fw, fh, side);
    const name = `frame ${fw}x${fh} → ${g.inW}x${g.inH} in ${g.padW}x${g.padH}`;
    test(name, withDevice(async (device) => {
      const rgba = randomRgba(fw, fh, fw + fh);
      const want = resizeToTensorRef(rgba, g);
      const got = await gpuResize(device, rgba, g);
      assertClose(got, want.data, ATOL, name);
    }));
  }

  test('ref: a window [x, y, side] samples the frame shifted by (x, y), edges clamped', () => {
    const fw = 8, fh = 6;
    const rgba = randomRgba(fw, fh, 7);
    const g = windowGeometry(fw, fh, [2, 1, 4], 4, 4); // scale 1: a plain copy of the 4x4 block at (2, 1)
    const t = resizeToTensorRef(rgba, g);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
      const s = ((y + 1) * fw + x + 2) * 4;
      expect(Array.from(t.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3))).to.deep.equal([rgba[s + 2], rgba[s + 1], rgba[s]]);
    }
    const edge = resizeToTensorRef(rgba, windowGeometry(fw, fh, [-2, -2, 4], 4, 4)); // past the top-left corner
    expect(Array.from(edge.data.subarray(0, 3))).to.deep.equal([rgba[2], rgba[1], rgba[0]]);
  });

  // Face windows: inside the frame (down- and upscaled), across its edges, after a whole-frame
  // geometry (the uniforms must follow each set()).
  for (const w of [[100, 60, 320], [300, 200, 96], [-40, 400, 160], [560, -30, 200]] as const) {
    const name = `window [${w}] of 640x480 → 160x160`;
    test(name, withDevice(async (device) => {
      const rgba = randomRgba(640, 480, w[2]);
      const g = windowGeometry(640, 480, w, 160);
      const want = resizeToTensorRef(rgba, g);
      const got = await gpuResize(device, rgba, g, [detectorGeometry(640, 480, 160), g]);
      assertClose(got, want.data, ATOL, name);
    }));
  }
});
