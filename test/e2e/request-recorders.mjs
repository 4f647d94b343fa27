// What a test needs to see every request the app makes (test/e2e/pwa.test.mjs): a static server
// that counts the requests reaching it and can go "down", and a DevTools recorder of every URL the
// pages, dedicated workers and service workers of a browser context ask for.
import { serveStatic } from '../../tools/serve.mjs';

/**
 * A server for `root` that logs the path of every request reaching it. While `down` is set it
 * answers nothing (the connection is reset), as if the network were gone.
 */
export async function countingServer(rootDir) {
  const hits = [];
  const ctl = { down: false };
  const server = await serveStatic({
    root: rootDir,
    onRequest: (req) => {
      hits.push(req.url);
      if (ctl.down) req.socket.destroy();
    },
  });
  return Object.assign(ctl, server, { hits });
}

/**
 * Records, with DevTools' Network domain, the URL of every request made by the pages, dedicated
 * workers and service workers of `context`, and can put all of them offline.
 */
export function networkRecorder(context) {
  const urls = [];
  const byId = new Map();
  const sessions = new Set();
  let offline = false;
  const conditions = () => ({ offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  let n = 0;
  /** Records one session's requests; `kind()` names its target in the log. Returns the commands sent. */
  const instrument = (s, kind) => {
    const tag = `${n++}:`;
    s.on('Network.requestWillBeSent', (e) => {
      const r = { url: e.request.url, target: kind(), response: '', failed: '' };
      byId.set(tag + e.requestId, r);
      urls.push(r);
    });
    s.on('Network.responseReceived', (e) => {
      const r = byId.get(tag + e.requestId);
      if (r) r.response = e.response.fromServiceWorker ? 'service worker' : 'network';
    });
    s.on('Network.loadingFailed', (e) => {
      const r = byId.get(tag + e.requestId);
      if (r) r.failed = e.errorText;
    });
    sessions.add(s);
    const sent = [s.send('Network.enable')];
    if (offline) sent.push(s.send('Network.emulateNetworkConditions', conditions()));
    return sent;
  };
  const attach = async (target) => {
    if (target.type() !== 'page') return;
    try {
      const s = await target.createCDPSession();
      // The page's dedicated workers and its service worker, each paused until we listen, so
      // none of their requests is missed.
      const kinds = new Map();
      s.on('Target.attachedToTarget', (e) => kinds.set(e.sessionId, e.targetInfo.type));
      s.on('sessionattached', (child) => {
        const sent = instrument(child, () => kinds.get(child.id()) ?? 'worker');
        // Sent in order: the worker runs only after Network.enable (a paused service worker
        // answers Network.enable only once it runs, so do not wait in between).
        Promise.all([...sent, child.send('Runtime.runIfWaitingForDebugger')]).catch(() => undefined);
      });
      await Promise.all(instrument(s, () => 'page'));
      await s.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    } catch {
      // The page went away before we attached: nothing to record.
    }
  };
  context.on('targetcreated', attach);
  return {
    urls,
    attachExisting: () => Promise.all(context.targets().map(attach)),
    async setOffline(value) {
      offline = value;
      await Promise.all([...sessions].map((s) => s.send('Network.emulateNetworkConditions', conditions()).catch(() => undefined)));
    },
  };
}
