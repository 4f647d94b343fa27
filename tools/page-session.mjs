// The CLIs' page, watched: every call into it ends, by its answer, by a timeout, or by the page
// going away (renderer crash, closed target, browser gone), instead of waiting for Puppeteer's
// protocol timeout. After a crash or a timeout the page is replaced by a fresh one (and the model
// loaded again) with restart(); runOnce() retries a unit of work once after a crash, as the CLIs
// do for the current file or batch.
import { forwardPageErrors, launchBrowser } from './browser.mjs';

/** The page crashed, was closed, or the browser went away, while a call was in flight. */
export class PageGone extends Error {
  name = 'PageGone';
}

/** A call into the page took longer than its limit; the page may be stuck. */
export class PageTimeout extends Error {
  name = 'PageTimeout';
}

/** What Puppeteer says when the target under a call disappears. */
const GONE = /Target closed|detached Frame|Session closed|Execution context was destroyed|Page crashed|Connection closed/i;

export class PageSession {
  /**
   * @param {{ name: string, url: string, global: string, prepare?: (s: PageSession) => Promise<void> }} o
   *   url: the page; global: the window property it sets once ready; prepare: run after each
   *   (re)start, e.g. loading the model
   */
  constructor({ name, url, global, prepare }) {
    Object.assign(this, { name, url, global, prepare });
    /** @type {import('puppeteer-core').Browser | undefined} */
    this.browser = undefined;
    /** @type {import('puppeteer-core').Page | undefined} */
    this.page = undefined;
    this.restarts = 0;
  }

  async start() {
    if (!this.browser?.connected) this.browser = await launchBrowser();
    const page = await this.browser.newPage();
    this.page = page;
    forwardPageErrors(page, `[${this.name} page]`);
    // One promise per page that rejects when it goes away; every call races against it.
    this.gone = new Promise((_, fail) => {
      page.once('error', (e) => fail(new PageGone(`crashed (${e?.message ?? e})`)));
      page.once('close', () => fail(new PageGone('was closed')));
      this.browser.once('disconnected', () => fail(new PageGone('lost its browser')));
    });
    this.gone.catch(() => undefined);
    await this.call((g) => new Promise((ok) => {
      const wait = () => (window[g] !== undefined ? ok(true) : setTimeout(wait, 50));
      wait();
    }), [this.global], { timeoutMs: 60_000, what: 'opening the page', goto: true });
    await this.prepare?.(this);
  }

  /**
   * page.evaluate(fn, ...args), ended by the page going away (PageGone) or by `timeoutMs`
   * (PageTimeout naming `what`).
   */
  async call(fn, args = [], { timeoutMs, what = 'the page', goto = false } = {}) {
    const page = this.page;
    const work = (async () => {
      if (goto) await page.goto(this.url);
      return page.evaluate(fn, ...args);
    })();
    work.catch(() => undefined);
    let timer;
    const limit = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new PageTimeout(`${what} took longer than ${(timeoutMs / 1000).toFixed(0)} s`)), timeoutMs);
    });
    try {
      return await Promise.race([work, this.gone, limit]);
    } catch (e) {
      // A crash also rejects the evaluate itself ('Target closed', 'detached Frame'): say crash.
      if (!(e instanceof PageTimeout || e instanceof PageGone) && (page.isClosed() || GONE.test(String(e?.message)))) throw new PageGone(`went away (${String(e?.message).split('\n')[0]})`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Replaces the page with a fresh one (a new browser when the old one is gone). */
  async restart() {
    this.restarts++;
    const old = this.page;
    this.page = undefined;
    await old?.close().catch(() => undefined);
    try {
      await this.start();
    } catch (e) {
      this.dead = e; // nothing more can run: the CLIs stop and say which files were not tried
      throw e;
    }
  }

  /**
   * `work()`, and once more in a fresh page when the page went away during it; a timeout or a
   * second crash leaves a fresh page for what comes next and rethrows.
   */
  async runOnce(label, work) {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof PageGone || e instanceof PageTimeout)) throw e;
      await this.restart();
      if (e instanceof PageTimeout) throw e;
      console.error(`${this.name}: the page ${e.message} during ${label}; trying it again in a fresh page`);
    }
    try {
      return await work();
    } catch (e) {
      if (e instanceof PageGone || e instanceof PageTimeout) {
        await this.restart();
        if (e instanceof PageGone) throw new PageGone(`${e.message} twice`);
      }
      throw e;
    }
  }

  async close() {
    await this.browser?.close().catch(() => undefined);
  }
}
