import { expect } from '@esm-bundle/chai';
import { assertClose, randomArray, withDevice } from './gpu.js';

suite('test helpers', () => {
  test('a WebGPU adapter and device are available (no silent skip)', withDevice(async (device) => {
    expect(device.limits.maxComputeWorkgroupSizeX).to.be.greaterThan(0);
  }));
  test('assertClose fails on a NaN and on a large error', () => {
    expect(() => assertClose([0, NaN], [0, 0], 1)).to.throw(/max abs error/);
    expect(() => assertClose([0, 2], [0, 0], 1)).to.throw(/\[1\]/);
    expect(assertClose(randomArray(8, 3), randomArray(8, 3), 0)).to.equal(0);
  });
});
