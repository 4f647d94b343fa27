// The #bench route: swaps the app shell for <emo-bench-view> (dist/bench/bench.js, a separate bundle with
// onnxruntime-web and TF.js, loaded on the first visit only) and back when the hash changes.
const BENCH_BUNDLE = new URL('./bench/bench.js', import.meta.url).href;

/** Fired on window when the bench bundle cannot load (offline: dist/bench/ is not precached). */
export const BENCH_UNAVAILABLE = 'emo-bench-unavailable';

async function apply(): Promise<void> {
  const shell = document.querySelector<HTMLElement>('emo-app-shell');
  let view = document.querySelector('emo-bench-view');
  if (location.hash === '#bench') {
    if (!view) {
      try {
        await import(BENCH_BUNDLE);
      } catch (e) {
        // Stay on the app and let its footer say why, rather than a console error and a dead link.
        history.replaceState(null, '', location.pathname + location.search);
        dispatchEvent(new CustomEvent(BENCH_UNAVAILABLE, { detail: e instanceof Error ? e.message : String(e) }));
        return;
      }
      view = document.createElement('emo-bench-view');
      document.body.append(view);
    }
    // CSSOM, not a style attribute: the page's CSP (style-src 'self') blocks inline styles.
    if (shell) shell.style.display = 'none';
  } else {
    view?.remove();
    if (shell) shell.style.display = '';
  }
}

/** Follows location.hash from now on (main.ts calls it once). */
export function installBenchRoute(): void {
  addEventListener('hashchange', () => void apply().catch((e) => console.error('bench view:', e)));
  void apply().catch((e) => console.error('bench view:', e));
}
