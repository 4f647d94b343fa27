import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/common/emotion-meter.js';
import type { EmotionMeter } from '../../src/ui/common/emotion-meter.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

suite('emo-emotion-meter', () => {
  test('renders one labelled meter per class and names the top class', async () => {
    const probs = [0.05, 0.01, 0.04, 0.7, 0.1, 0.05, 0.05];
    const el = await fixture<EmotionMeter>(html`<emo-emotion-meter .classes=${CLASSES} .probs=${probs}></emo-emotion-meter>`);
    const meters = el.shadowRoot!.querySelectorAll('[role=meter]');
    expect(meters.length).to.equal(7);
    expect(meters[3].getAttribute('aria-valuetext')).to.equal('70.0%');
    const labelId = meters[3].getAttribute('aria-labelledby')!;
    expect(el.shadowRoot!.getElementById(labelId)!.textContent).to.equal('Happy');
    expect(el.shadowRoot!.querySelector('.top strong')!.getAttribute('data-label')).to.equal('happy');
    expect(el.topIndex).to.equal(3);
    await expect(el).shadowDom.to.be.accessible();
  });

  test('renders nothing without probabilities', async () => {
    const el = await fixture<EmotionMeter>(html`<emo-emotion-meter .classes=${CLASSES}></emo-emotion-meter>`);
    expect(el.shadowRoot!.querySelector('[role=meter]')).to.equal(null);
    expect(el.topIndex).to.equal(-1);
  });
});
