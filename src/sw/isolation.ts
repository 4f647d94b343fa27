// A Workbox plugin that adds the cross-origin isolation headers (COOP same-origin, COEP
// require-corp) to every response the service worker serves from its precache. A static host that
// cannot set headers (GitHub Pages and the like) then still gets an isolated page, so
// SharedArrayBuffer and the wasm kernels' worker pool (threads). tools/serve.mjs sends the same
// headers itself. Caveat: the very first visit is answered by the server before the worker
// exists, so it runs on one thread; every later load (a reload, the next visit, offline) is
// served by the worker and is isolated.
import type { WorkboxPlugin } from 'workbox-core/types.js';

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** `response` with the isolation headers added (a copy: cached responses are immutable). */
export function withIsolation(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  if (Object.entries(ISOLATION_HEADERS).every(([k, v]) => response.headers.get(k) === v)) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function isolationPlugin(): WorkboxPlugin {
  return {
    handlerWillRespond: async ({ response }) => withIsolation(response),
  };
}
