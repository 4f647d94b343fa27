// The shared pill-button styles (src/ui/common/styles.ts `buttons`): the computed look of emo-camera-view's
// buttons, camera select and file label and of emo-snapshot-button's button, disabled, enabled and
// keyboard-focused (light scheme). The values were read from the elements before the rules moved
// into `buttons`, so this pins that sharing them changed nothing.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/ui/camera/camera-view.js';
import type { CameraView } from '../../src/ui/camera/camera-view.js';
import '../../src/ui/snapshot/emo-snapshot-button.js';
import { tokens } from '../../src/ui/common/styles.js';
import type { PipelineClient } from '../../src/worker/pipeline-client.js';

const PROPS = [
  'display', 'align-items', 'box-sizing', 'font-family', 'font-size', 'font-weight', 'line-height',
  'min-height', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border-top-left-radius', 'border-top-width', 'border-top-style', 'border-top-color',
  'background-color', 'color', 'cursor', 'opacity', 'outline-style', 'outline-width', 'outline-color', 'outline-offset',
] as const;

function look(el: Element): Record<string, string> {
  const cs = getComputedStyle(el);
  return Object.fromEntries(PROPS.map((p) => [p, cs.getPropertyValue(p)]));
}

/** A worker stand-in that never finishes loading: the controls stay disabled. */
const pendingClient = (): PipelineClient => ({
  load: () => new Promise(() => {}),
  analyze: () => new Promise(() => {}),
  async on() {},
  async loseDevice() { return false; },
  terminate() {},
});

/** Each control's look as rendered (disabled: the pipeline never loads), then with `disabled` taken off. */
function looks(els: Record<string, Element>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [k, el] of Object.entries(els)) out[k] = look(el);
  for (const el of Object.values(els)) {
    el.removeAttribute('disabled');
    // The file label looks as its (visually hidden) input is.
    if (el.previousElementSibling?.matches('input[type=file]')) el.previousElementSibling.removeAttribute('disabled');
  }
  for (const [k, el] of Object.entries(els)) out[`${k} enabled`] = look(el);
  for (const [k, el] of Object.entries(els)) {
    // The file label shows the focus of the (visually hidden) input before it.
    const target = (el.previousElementSibling?.matches('input[type=file]') ? el.previousElementSibling : el) as HTMLElement;
    target.removeAttribute('disabled');
    target.focus();
    out[`${k} focused`] = look(el);
    target.blur();
  }
  return out;
}

const PILL = {
  display: 'flex', // inline-flex, blockified in the flex .controls row
  'align-items': 'center',
  'box-sizing': 'border-box',
  'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
  'font-size': '16px',
  'font-weight': '400',
  'line-height': '19.2px',
  'min-height': '40px',
  'padding-top': '6.4px',
  'padding-right': '14.4px',
  'padding-bottom': '6.4px',
  'padding-left': '14.4px',
  'border-top-left-radius': '999px',
  'border-top-width': '1px',
  'border-top-style': 'solid',
  'border-top-color': 'rgb(201, 201, 214)',
  'background-color': 'rgb(255, 255, 255)',
  color: 'rgb(22, 22, 29)',
  cursor: 'pointer',
  opacity: '1',
  'outline-style': 'none',
  'outline-width': '3px',
  'outline-color': 'rgb(22, 22, 29)',
  'outline-offset': '0px',
};
const PRIMARY = {
  'font-weight': '600',
  'border-top-color': 'rgb(58, 54, 196)',
  'background-color': 'rgb(58, 54, 196)',
  color: 'rgb(255, 255, 255)',
  'outline-color': 'rgb(255, 255, 255)',
};
const SELECT = { 'line-height': 'normal' }; // Chromium keeps a select's line-height normal
const SNAPSHOT = { display: 'inline-block', 'align-items': 'normal', 'line-height': 'normal' };
const DISABLED = { cursor: 'not-allowed', opacity: '0.55' };
const FOCUSED = { 'outline-style': 'solid', 'outline-color': 'rgb(163, 78, 0)', 'outline-offset': '2px' };

suite('pill buttons', () => {
  test('computed styles of the buttons, select and file label in two elements', async () => {
    const style = document.createElement('style');
    style.textContent = tokens.cssText.replaceAll(':host', ':root');
    document.head.append(style);
    const host = await fixture(html`<div>
      <emo-camera-view .clientFactory=${pendingClient} .autoplaySample=${false}></emo-camera-view>
      <emo-snapshot-button></emo-snapshot-button></div>`);
    const cam = host.querySelector<CameraView>('emo-camera-view')!;
    const snap = host.querySelector('emo-snapshot-button')!;
    await cam.updateComplete;
    const c = cam.shadowRoot!;
    const s = snap.shadowRoot!;
    const got = looks({
      start: c.querySelector('#start')!,
      sample: c.querySelector('#sample')!,
      select: c.querySelector('#camera')!,
      file: c.querySelector('.file')!,
      snapshot: s.querySelector('#snapshot')!,
    });
    style.remove();
    const kinds = { start: PRIMARY, sample: {}, select: SELECT, file: {}, snapshot: SNAPSHOT };
    const expected: Record<string, Record<string, string>> = {};
    for (const [k, own] of Object.entries(kinds)) {
      // The file label too: it used to look enabled while its input was disabled (issue 14, point 6).
      expected[k] = { ...PILL, ...own, ...DISABLED };
      expected[`${k} enabled`] = { ...PILL, ...own };
      expected[`${k} focused`] = { ...PILL, ...own, ...FOCUSED };
    }
    expect(got).to.deep.equal(expected);
  });
});
