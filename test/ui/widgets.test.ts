import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/ui/app/backend-notice.js';
import '../../src/ui/common/error-alert.js';
import '../../src/ui/photo/image-picker.js';
import type { BackendNotice } from '../../src/ui/app/backend-notice.js';
import type { ErrorAlert } from '../../src/ui/common/error-alert.js';
import type { ImagePicker } from '../../src/ui/photo/image-picker.js';

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
  test('says which backend runs and why', async () => {
    const result = { backend: 'cpu' as const, reason: 'WebGPU unavailable: none.', classes: [], inputSize: 48 };
    const el = await fixture<BackendNotice>(html`<emo-backend-notice .result=${result}></emo-backend-notice>`);
    const status = el.shadowRoot!.querySelector('[role=status]')!;
    expect(status.textContent).to.contain('Running on the CPU.').and.contain('WebGPU unavailable');
  });
});

suite('emo-image-picker', () => {
  test('fires emo-image-selected for a chosen file, and not when disabled', async () => {
    const el = await fixture<ImagePicker>(html`<emo-image-picker></emo-image-picker>`);
    const input = el.shadowRoot!.querySelector('input[type=file]') as HTMLInputElement;
    const label = el.shadowRoot!.querySelector(`label[for=${input.id}]`);
    expect(label!.textContent).to.contain('Choose a photo');
    const file = new File([new Uint8Array([1])], 'face.png', { type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    setTimeout(() => input.dispatchEvent(new Event('change')));
    const ev = await oneEvent(el, 'emo-image-selected');
    expect(ev.detail.file.name).to.equal('face.png');

    el.disabled = true;
    await el.updateComplete;
    expect(input.disabled).to.equal(true);
    await expect(el).shadowDom.to.be.accessible();
  });

  test('accepts a dropped file', async () => {
    const el = await fixture<ImagePicker>(html`<emo-image-picker></emo-image-picker>`);
    const zone = el.shadowRoot!.querySelector('.zone')!;
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([1])], 'drop.jpg', { type: 'image/jpeg' }));
    setTimeout(() => zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })));
    const ev = await oneEvent(el, 'emo-image-selected');
    expect(ev.detail.file.name).to.equal('drop.jpg');
  });
});
