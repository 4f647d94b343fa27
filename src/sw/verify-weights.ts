// A Workbox plugin that re-checks a precached weights file each time it is served: its bytes
// against the SRI hash the build put in the precache manifest (tools/precache.mjs, sha256). Storage
// can be damaged on a phone long after install; a damaged copy must not keep answering. On a
// mismatch the entry is evicted and a good copy fetched (with the same SRI check) and cached; when
// that fails (offline), the damaged bytes are passed on so the loader's own check (src/nn/
// integrity.ts) says which file is damaged, and the next online load repairs the cache (Workbox
// refetches a missing precache entry).
import type { PrecacheEntry } from 'workbox-precaching';
import type { WorkboxPlugin } from 'workbox-core/types.js';

/** Which precached files are checked on every use (small enough: the largest is under 1 MB). */
const CHECKED = /\/weights\/[^/]+\.safetensors$/;

async function sriSha256(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let bin = '';
  for (const b of d) bin += String.fromCharCode(b);
  return `sha256-${btoa(bin)}`;
}

/** The plugin for `manifest` (the precache list, relative URLs resolved against `base`). */
export function verifyWeightsPlugin(manifest: PrecacheEntry[], base: string): WorkboxPlugin {
  const integrity = new Map<string, string>();
  for (const e of manifest) if (e.integrity) integrity.set(new URL(e.url, base).pathname, e.integrity);
  return {
    async cachedResponseWillBeUsed({ cacheName, request, cachedResponse }) {
      if (!cachedResponse) return cachedResponse;
      const url = new URL(request.url);
      const want = integrity.get(url.pathname);
      if (!want || !CHECKED.test(url.pathname)) return cachedResponse;
      const bytes = await cachedResponse.clone().arrayBuffer();
      if ((await sriSha256(bytes)) === want) return cachedResponse;
      console.warn(`emolens: the cached ${url.pathname} is damaged; evicting it and fetching a good copy`);
      const cache = await caches.open(cacheName);
      await cache.delete(request);
      try {
        const fresh = await fetch(url.pathname, { integrity: want, cache: 'reload' });
        if (fresh.ok) {
          await cache.put(request, fresh.clone());
          return fresh;
        }
      } catch {
        // Offline, or the server has other bytes: fall through.
      }
      return cachedResponse;
    },
  };
}
