// The footer's Benchmarks link when the bench bundle cannot load (offline: it is not precached; here
// it is not served at all), and the bench page's buttons looking like the app's.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/ui/app/bench-link.js';
import '../../src/ui/camera/camera-view.js';
import '../../src/bench/view/emo-bench-view.js';
import type { BenchLink } from '../../src/ui/app/bench-link.js';
import { installBenchRoute } from '../../src/bench/view/bench-route.js';
import type { PipelineClient } from '../../src/worker/pipeline-client.js';

const pending = (): PipelineClient => ({
  load: () => new Promise(() => {}),
  analyze: () => new Promise(() => {}),
  async on() {},
  async loseDevice() { return false; },
  terminate() {},
});

suite('Benchmarks link', () => {
  test('when the bench page cannot load, the footer says so and the app stays', async () => {
    const el = await fixture<BenchLink>(html`<emo-bench-link></emo-bench-link>`);
    location.hash = '#bench';
    installBenchRoute();
    await waitUntil(() => el.shadowRoot!.querySelector('#bench-note'), 'no note', { timeout: 5000 });
    expect(el.shadowRoot!.querySelector('#bench-note')!.textContent).to.match(/benchmark page (could not be loaded|needs a network connection)/);
    expect(location.hash).to.equal('');
  });

  test("the bench page's Run and Export buttons have the app's pill look", async () => {
    const host = await fixture(html`<div><emo-camera-view .clientFactory=${pending} .autoplaySample=${false}></emo-camera-view><emo-bench-view></emo-bench-view></div>`);
    const app = host.querySelector('emo-camera-view')!.shadowRoot!;
    const bench = host.querySelector('emo-bench-view')!.shadowRoot!;
    const look = (e: Element) => {
      const s = getComputedStyle(e);
      return { radius: s.borderTopLeftRadius, minHeight: s.minHeight, weight: s.fontWeight, padding: s.paddingLeft };
    };
    const run = [...bench.querySelectorAll('button')].find((b) => /Run benchmark/.test(b.textContent!))!;
    const exp = [...bench.querySelectorAll('button')].find((b) => /Export JSON/.test(b.textContent!))!;
    expect(look(run)).to.deep.equal(look(app.querySelector('#start')!)); // primary
    expect(look(exp)).to.deep.equal(look(app.querySelector('#sample')!)); // plain
  });
});
