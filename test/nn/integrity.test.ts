import { expect } from '@esm-bundle/chai';
import { sha256Hex } from '../../src/nn/integrity.js';

// The fallback digest (no Web Crypto: a page served over plain http on a LAN address) must equal
// Web Crypto's on the same bytes, including lengths around SHA-256's 64-byte block edges.
suite('sha256Hex without Web Crypto', () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100_003]) {
    test(`${n} bytes: fallback equals Web Crypto`, async () => {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 255);
      const web = await sha256Hex(bytes.buffer);
      const fallback = await sha256Hex(bytes.buffer, undefined);
      expect(web).to.match(/^[0-9a-f]{64}$/);
      expect(fallback).to.equal(web);
    });
  }
  test('known vector: "abc"', async () => {
    const abc = new TextEncoder().encode('abc');
    expect(await sha256Hex(abc.buffer as ArrayBuffer, undefined)).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
