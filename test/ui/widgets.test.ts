import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/app/backend-notice.js';
import '../../src/ui/common/error-alert.js';
import type { BackendNotice } from '../../src/ui/app/backend-notice.js';
import type { ErrorAlert } from '../../src/ui/common/error-alert.js';

suite('emo-error-alert', () => {
  test('is a hidden role=alert region until it has a message', async () => {
    const el = await fixture<ErrorAlert>(html`<emo-error-alert heading="Oops:"></emo-error-alert>`);
    const alert = el.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert).to.exist;
    expect(el.getBoundingClientRect().height).to.equal(0);
    el.message = 'tensor "head.bias" is missing';
    await el.updateComplete;
    expect(alert.textContent).to.contain('Oops:').and.contain('head.bias');
    expect(el.getBoundingClientRect().height).to.be.greaterThan(0);
  });
});

suite('emo-backend-notice', () => {
  test('one plain line on which backend runs what and why; the technical reasons under Details', async () => {
    const pipeline = { backend: 'cpu' as const, reason: 'WebGPU unavailable: none.', emotionClasses: [], genderClasses: [] };
    const classifier = { backend: 'cpu' as const, reason: 'CPU backend requested.', classes: [], inputSize: 48 };
    const el = await fixture<BackendNotice>(html`<emo-backend-notice .pipeline=${pipeline} .classifier=${classifier}></emo-backend-notice>`);
    const line = el.shadowRoot!.querySelectorAll('#backend-line');
    expect(line.length).to.equal(1);
    expect(line[0].textContent).to.equal('Face finding, emotion and gender run on the main processor (CPU), because this browser offers no WebGPU; heat maps too.');
    expect(el.shadowRoot!.querySelector('details')!.textContent).to.contain('WebGPU unavailable: none.');
  });
});
