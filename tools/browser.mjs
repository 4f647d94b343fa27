// The one place that launches Chromium for node-side tools (classify CLI, e2e tests): Debian's
// /usr/bin/chromium (or CHROME_PATH), headless, WebGPU on (SwiftShader when there is no GPU),
// with the same flags as the browser unit tests. Never downloads a browser.
import puppeteer, { ElementHandle, Frame } from 'puppeteer-core';
import { chromiumArgs } from '../web-test-runner.config.mjs';

// puppeteer-core 24 (the last line that runs on Node 20) waits for a selector on animation frames
// by default, and in our pages such a wait missed changes inside shadow roots: a
// waitForSelector('emo-app-shell >>> emo-camera-view >>> #start:not([disabled])') timed out after
// 90 s while polling the same condition every 250 ms saw it at 49 s (puppeteer 25 also watches
// shadow roots). So every selector wait polls on an interval unless the caller chooses otherwise
// (visible/hidden waits always use animation frames).
for (const proto of [Frame.prototype, ElementHandle.prototype]) {
  const waitForSelector = proto.waitForSelector;
  proto.waitForSelector = function (selector, options = {}) {
    return waitForSelector.call(this, selector, { polling: 100, ...options });
  };
}

/** Extra flags for scripted runs: no stray network traffic, no throttling of a hidden page. */
const toolArgs = [
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--mute-audio',
  '--no-default-browser-check',
  '--password-store=basic',
];

/**
 * Launches headless Chromium.
 * @param {{ args?: string[] }} [options] extra command-line flags
 * @returns {Promise<import('puppeteer-core').Browser>}
 */
export async function launchBrowser({ args = [] } = {}) {
  const all = [...new Set([...chromiumArgs, ...toolArgs, ...args])];
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: all,
    // Puppeteer's own defaults include flags that disable GPU features; ours are complete.
    ignoreDefaultArgs: ['--disable-gpu'],
    protocolTimeout: 10 * 60 * 1000,
  });
}

/**
 * Forwards the page's console errors and uncaught exceptions to stderr (prefixed), so a CLI or
 * test failure shows what the page saw.
 * @param {import('puppeteer-core').Page} page
 * @param {string} [prefix]
 */
export function forwardPageErrors(page, prefix = '[page]') {
  page.on('pageerror', (err) => console.error(`${prefix} ${err instanceof Error ? err.message : String(err)}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warn') console.error(`${prefix} ${msg.type()}: ${msg.text()}`);
  });
}
