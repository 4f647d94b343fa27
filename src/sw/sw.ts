// The service worker (bundled by esbuild into dist/sw.js, entry ../../sw.js): precaches every file
// of one build, listed with content hashes at build time (tools/precache.mjs), and answers from
// that precache first. No runtime caching, no network fallbacks to other origins.
//
// Update safety: a new build means a new sw.js (its inlined manifest changed). It installs beside
// the old one, downloads the changed files (each checked against its SRI hash, so a half-deployed
// server fails the install instead of caching a mix) and then waits: the old worker keeps serving
// the old revisions, code and weights together, until the page sends SKIP_WAITING because the
// user pressed "Update". Only then does it activate and drop the old revisions.
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, getCacheKeyForURL, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { createPartialResponse } from 'workbox-range-requests';
import { registerRoute } from 'workbox-routing';
import { isolationPlugin } from './isolation';
import { verifyWeightsPlugin } from './verify-weights';

/** Replaced by the build (esbuild `define`) with [{ url, revision, integrity }, ...] of dist/. */
declare const __PRECACHE_MANIFEST__: PrecacheEntry[];

interface SwScope {
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}

// tsconfig mixes the DOM and WebWorker libs, so `self` is typed as a Window here.
const sw = self as unknown as SwScope;

/** Sent by the page (workbox-window's messageSkipWaiting) once the user accepted the update. */
sw.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'SKIP_WAITING') void sw.skipWaiting();
});

cleanupOutdatedCaches();
// <video> asks for byte ranges (the sample clip): cut them from the precached whole file. Routes
// match in the order registered, so this one goes before the precache's own.
registerRoute(
  ({ request, url }) => request.headers.has('range') && getCacheKeyForURL(url.href) !== undefined,
  async ({ request }) => {
    const whole = await matchPrecache(request.url);
    return whole ? createPartialResponse(request, whole) : fetch(request);
  },
);
// Weights are re-checked against their SRI hash each time they are served (verify-weights.ts).
// Every precached answer carries COOP/COEP, so static hosts get an isolated page too (isolation.ts).
addPlugins([verifyWeightsPlugin(__PRECACHE_MANIFEST__, self.location.href), isolationPlugin()]);
// Query strings are ignored when matching, so /?backend=cpu is answered by the cached index.html.
precacheAndRoute(__PRECACHE_MANIFEST__, { ignoreURLParametersMatching: [/.*/] });
// The first install takes control of the open page at once, so it works offline without a reload.
// (Later versions only activate on the user's say-so, see above.)
clientsClaim();
