// Test hook, loaded into a CLI with `node --import ./test/e2e/stall-video-hook.mjs` (never by the
// CLIs themselves): every page the CLI opens gets a video element whose seek number
// EMOLENS_TEST_STALL_SEEK (counted from 1 across the page) is swallowed, so that `seeked` never
// fires and nothing reports an error: a decoder that stalls without erroring, which no real file
// produces on demand. Later seeks work again. Tests that drive a page themselves use stallOneSeek.
import { PageSession } from '../../tools/page-session.mjs';

/** Runs in the page before its own scripts: counts seeks, and ignores seek number `at`. */
export function stallOneSeek(at) {
  const own = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'currentTime');
  let seeks = 0;
  Object.defineProperty(HTMLMediaElement.prototype, 'currentTime', {
    configurable: true,
    get() {
      return own.get.call(this);
    },
    set(t) {
      if (++seeks === at) return; // the seek starts, as far as the caller knows, and never ends
      own.set.call(this, t);
    },
  });
}

const stallAt = Number(process.env.EMOLENS_TEST_STALL_SEEK);
if (stallAt >= 1) {
  const call = PageSession.prototype.call;
  PageSession.prototype.call = async function (fn, args, options = {}) {
    if (options.goto) await this.page.evaluateOnNewDocument(stallOneSeek, stallAt);
    return call.call(this, fn, args, options);
  };
}
