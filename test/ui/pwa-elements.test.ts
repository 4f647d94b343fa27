import { expect, fixture, html } from '@open-wc/testing';
import type { PwaSnapshot, PwaSource } from '../../src/sw/client.js';
import '../../src/ui/pwa/install-button.js';
import '../../src/ui/pwa/offline-status.js';
import '../../src/ui/pwa/update-prompt.js';
import type { InstallButton } from '../../src/ui/pwa/install-button.js';
import type { OfflineStatus } from '../../src/ui/pwa/offline-status.js';
import type { UpdatePrompt } from '../../src/ui/pwa/update-prompt.js';

/** A PwaSource the test drives by hand; counts the actions the elements ask for. */
class FakeSource extends EventTarget implements PwaSource {
  snapshot: PwaSnapshot = { offlineReady: false, updateWaiting: false, updating: false, installable: false, installed: false, ios: false };
  updates = 0;
  installs = 0;
  set(patch: Partial<PwaSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    this.dispatchEvent(new Event('change'));
  }
  async applyUpdate() {
    this.updates++;
    this.set({ updating: true });
  }
  async install() {
    this.installs++;
    return 'accepted' as const;
  }
}

const shown = (el: HTMLElement) => !el.hidden && el.getBoundingClientRect().height > 0;

suite('emo-update-prompt', () => {
  test('hidden until an update waits; Update asks the source once and then shows progress', async () => {
    const source = new FakeSource();
    const el = await fixture<UpdatePrompt>(html`<emo-update-prompt .source=${source}></emo-update-prompt>`);
    expect(shown(el)).to.equal(false);
    source.set({ updateWaiting: true });
    await el.updateComplete;
    expect(shown(el)).to.equal(true);
    const bar = el.shadowRoot!.querySelector('[role=status]')!;
    expect(bar.textContent).to.contain('new version');
    const button = el.shadowRoot!.querySelector('button')!;
    expect(button.textContent).to.equal('Update');
    button.click();
    await el.updateComplete;
    expect(source.updates).to.equal(1);
    expect(button.disabled).to.equal(true);
    expect(button.textContent).to.contain('Updating');
  });
});

suite('emo-install-button', () => {
  test('a button when the browser offers installation, which calls install()', async () => {
    const source = new FakeSource();
    const el = await fixture<InstallButton>(html`<emo-install-button .source=${source}></emo-install-button>`);
    expect(shown(el)).to.equal(false);
    source.set({ installable: true });
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector('button')!;
    expect(button.textContent).to.equal('Install app');
    button.click();
    expect(source.installs).to.equal(1);
    source.set({ installable: false, installed: true });
    await el.updateComplete;
    expect(shown(el)).to.equal(false);
  });

  test('on iOS (no prompt) an Add to Home Screen hint instead', async () => {
    const source = new FakeSource();
    source.snapshot.ios = true;
    const el = await fixture<InstallButton>(html`<emo-install-button .source=${source}></emo-install-button>`);
    expect(el.shadowRoot!.querySelector('button')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('Add to Home Screen');
    expect(shown(el)).to.equal(true);
  });
});

suite('emo-offline-status', () => {
  test('"Available offline" once precached', async () => {
    const source = new FakeSource();
    const el = await fixture<OfflineStatus>(html`<emo-offline-status .source=${source}></emo-offline-status>`);
    expect(shown(el)).to.equal(false);
    source.set({ offlineReady: true });
    await el.updateComplete;
    expect(shown(el)).to.equal(true);
    const badge = el.shadowRoot!.querySelector('[role=status]')!;
    expect(badge.textContent).to.contain('Available offline');
    expect(badge.getAttribute('data-offline-ready')).to.equal('true');
  });
});
