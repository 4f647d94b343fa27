// The emolens service worker's entry, served as /sw.js at the scope root. esbuild bundles it
// (Workbox from npm, no importScripts, no CDN) together with the precache manifest of the build
// it belongs to; see tools/precache.mjs and docs/PWA.md. The code lives in src/sw/sw.ts.
import './src/sw/sw.ts';
