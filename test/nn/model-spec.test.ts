// parseModelSpec: the model JSON contract (src/nn/model-spec.ts), each bad field named.
import { expect } from '@esm-bundle/chai';
import { parseModelSpec } from '../../src/nn/model-spec.js';
import { EMOTION, errorOf } from './spec-fixtures.js';

suite('model spec', () => {
  test('the documented emotion.json parses to itself', () => {
    expect(parseModelSpec(EMOTION)).to.deep.equal(EMOTION);
    expect(parseModelSpec({ ...EMOTION, metrics: { acc: 0.6 } })).to.deep.equal(EMOTION);
  });

  test('each bad field is named', () => {
    const cases: [object, string][] = [
      [{ ...EMOTION, name: '' }, '"name" must be a non-empty string'],
      [{ ...EMOTION, arch: 'resnet' }, '"arch" must be "mini-xception", got "resnet"'],
      [{ ...EMOTION, input: undefined }, '"input" must be an object'],
      [{ ...EMOTION, input: { ...EMOTION.input, size: '48' } }, '"input.size" must be an integer in [5, 4096], got "48"'],
      [{ ...EMOTION, input: { ...EMOTION.input, channels: 0 } }, '"input.channels"'],
      [{ ...EMOTION, input: { ...EMOTION.input, scale: 0 } }, '"input.scale" must be non-zero'],
      [{ ...EMOTION, input: { ...EMOTION.input, offset: null } }, '"input.offset" must be a finite number, got null'],
      [{ ...EMOTION, stem: 8.5 }, '"stem"'],
      [{ ...EMOTION, widths: [] }, '"widths"'],
      [{ ...EMOTION, widths: [16, -32] }, '"widths[1]"'],
      [{ ...EMOTION, classes: ['x'] }, '"classes" must be an array of at least 2 labels'],
      [{ ...EMOTION, classes: ['x', 7] }, '"classes[1]"'],
      [{ ...EMOTION, classes: ['x', 'y', 'x'] }, '"classes" must be distinct labels'],
      [{ ...EMOTION, bn_eps: 0 }, '"bn_eps"'],
      [{ ...EMOTION, flip_tta: 'yes' }, '"flip_tta" must be true or false'],
    ];
    for (const [json, part] of cases) expect(errorOf(() => parseModelSpec(json)), part).to.include(part);
    expect(errorOf(() => parseModelSpec({ ...EMOTION, stem: 0 }, 'weights/emotion.json'))).to.match(/^weights\/emotion\.json "emotion": "stem"/);
    expect(errorOf(() => parseModelSpec([]))).to.include('expected a JSON object');
  });
});
