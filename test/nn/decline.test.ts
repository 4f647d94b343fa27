// Declining to judge gender (src/nn/gender/decline.ts, issue 16): the weights JSON's "outputs" and "decline"
// parsed and checked, the rule applied to a face's output row as training/decline.py's `decide`
// does, and a head with an age group softmaxed per group (never across the groups).
import { expect } from '@esm-bundle/chai';
import { declineReason, declineRule, describeRule } from '../../src/nn/gender/decline.js';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { headWidth, parseModelSpec } from '../../src/nn/model-spec.js';
import { randomMiniXception, randomSpec } from './random-mini-xception.js';
import { errorOf } from './spec-fixtures.js';

const BANDS = ['0-2', '3-9', '10-12', '13-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70+'];
const GENDER = {
  name: 'gender', arch: 'mini-xception', input: { size: 64, channels: 3, scale: 2 / 255, offset: -1 },
  stem: 8, widths: [16, 32], classes: ['female', 'male'], bn_eps: 1e-5, flip_tta: true,
};
const AGE_HEAD = {
  ...GENDER,
  outputs: { gender: [0, 2], age_band: [2, 12] },
  output_labels: { age_band: BANDS },
  decline: { child_bands: ['0-2', '3-9', '10-12'], child_min_probability: 0.5, gender_min_probability: 0.7 },
};

/** A row: gender probabilities, then the ten age bands with `child` spread over the three child bands. */
function row(female: number, child: number): number[] {
  const ages = BANDS.map((_, i) => (i < 3 ? child / 3 : (1 - child) / 7));
  return [female, 1 - female, ...ages];
}

suite('declining to judge gender', () => {
  test('the age head: outputs and decline parsed; the head is 12 logits wide', () => {
    const spec = parseModelSpec(AGE_HEAD);
    expect(headWidth(spec)).to.equal(12);
    expect(spec.decline).to.deep.equal(AGE_HEAD.decline);
    expect(declineRule(spec)).to.deep.equal({ minProbability: 0.7, child: { columns: [2, 3, 4], minProbability: 0.5 } });
  });

  test('the rule: a child first, then unsure, else the label (training/decline.py decide)', () => {
    const rule = declineRule(parseModelSpec(AGE_HEAD));
    expect(declineReason(row(0.95, 0.6), 2, rule)).to.equal('child'); // sure of the gender, but a child
    expect(declineReason(row(0.55, 0.6), 2, rule)).to.equal('child');
    expect(declineReason(row(0.55, 0.1), 2, rule)).to.equal('unsure');
    expect(declineReason(row(0.31, 0.1), 2, rule)).to.equal('unsure'); // male 0.69 < 0.7
    expect(declineReason(row(0.3, 0.1), 2, rule)).to.equal(undefined); // male 0.7: answered
    expect(declineReason(row(0.9, 0.49), 2, rule)).to.equal(undefined);
  });

  test('weights without an age head: the unsure threshold alone; without a rule nothing is declined', () => {
    const unsureOnly = parseModelSpec({ ...GENDER, decline: { gender_min_probability: 0.8 } });
    const rule = declineRule(unsureOnly);
    expect(rule).to.deep.equal({ minProbability: 0.8 });
    expect(declineReason([0.79, 0.21], 2, rule)).to.equal('unsure');
    expect(declineReason([0.2, 0.8], 2, rule)).to.equal(undefined);
    expect(describeRule(rule)).to.include('no age estimate');
    expect(declineRule(parseModelSpec(GENDER))).to.equal(undefined);
    expect(declineReason([0.5, 0.5], 2, undefined)).to.equal(undefined);
  });

  test('bad outputs or rules are named', () => {
    const cases: [object, string][] = [
      [{ ...AGE_HEAD, outputs: { gender: [0, 2], age_band: [3, 12] } }, '"outputs.age_band" must be to start at 2'],
      [{ ...AGE_HEAD, outputs: { gender: [0, 3], age_band: [3, 12] } }, "the classes' range [0, 2)"],
      [{ ...AGE_HEAD, output_labels: { age_band: BANDS.slice(1) } }, '"output_labels.age_band" must be 10 non-empty labels'],
      [{ ...AGE_HEAD, decline: { ...AGE_HEAD.decline, gender_min_probability: 1.5 } }, '"decline.gender_min_probability" must be a probability'],
      [{ ...AGE_HEAD, decline: { ...AGE_HEAD.decline, child_bands: ['0-3'] } }, '"decline.child_bands" must be bands of output_labels.age_band'],
      [{ ...GENDER, decline: AGE_HEAD.decline }, 'used only with an "age_band" output'],
    ];
    for (const [json, part] of cases) expect(errorOf(() => parseModelSpec(json)), part).to.include(part);
  });

  test('classifyOutputs: a softmax per output group; classify keeps the classes alone', async () => {
    const spec = { ...randomSpec(4, [8], 12, true, 16), classes: ['female', 'male'], outputs: { gender: [0, 2] as [number, number], age_band: [2, 12] as [number, number] }, output_labels: { age_band: BANDS } };
    const weights = randomMiniXception({ ...spec, classes: Array.from({ length: 12 }, (_, i) => `c${i}`) });
    const model = await createMiniXception({ ...weights, spec }, { cpu: 'cpu', maxBatch: 4 });
    const px = Uint8Array.from({ length: 3 * 16 * 16 }, (_, i) => (i * 37) % 256);
    const all = await model.classifyOutputs(px, 3);
    const cls = await model.classify(px, 3);
    expect(all.length).to.equal(36);
    expect(cls.length).to.equal(6);
    for (let i = 0; i < 3; i++) {
      const sum = (a: number, b: number) => all.slice(i * 12 + a, i * 12 + b).reduce((s, v) => s + v, 0);
      expect(sum(0, 2)).to.be.closeTo(1, 1e-5);
      expect(sum(2, 12)).to.be.closeTo(1, 1e-5);
      expect([...cls.slice(i * 2, i * 2 + 2)]).to.deep.equal([...all.slice(i * 12, i * 12 + 2)]);
    }
    model.dispose();
  });
});
