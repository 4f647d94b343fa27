// The page's side of the service worker and of installation: registers sw.js with workbox-window,
// keeps the deferred `beforeinstallprompt`, and publishes one snapshot the emo-* elements render
// (through PwaController). Nothing here reloads the page unless the user asked for the update.
import { Workbox } from 'workbox-window';

export interface PwaSnapshot {
  /** A service worker is active for this page: every file of a build is precached. */
  offlineReady: boolean;
  /** A newer build is downloaded and waits for the user (or another tab activated one). */
  updateWaiting: boolean;
  /** The user pressed Update; the page reloads once the new worker controls it. */
  updating: boolean;
  /** The browser offered installation; `install()` shows its prompt. */
  installable: boolean;
  /** Running as an installed app, or just installed. */
  installed: boolean;
  /** iOS/iPadOS: no install prompt there, so the UI explains Add to Home Screen instead. */
  ios: boolean;
}

/** What the elements need; tests pass a fake. Fires `change` whenever `snapshot` changes. */
export interface PwaSource extends EventTarget {
  readonly snapshot: PwaSnapshot;
  /** Activates the waiting worker, then reloads (the user's explicit request). */
  applyUpdate(): Promise<void>;
  /** Shows the browser's install prompt, if it offered one. */
  install(): Promise<'accepted' | 'dismissed' | 'unavailable'>;
}

/** Chromium's install prompt event (not in lib.dom). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

function isIos(): boolean {
  // iPadOS 13+ reports a Mac user agent; touch points tell them apart.
  return /iPad|iPhone|iPod/.test(navigator.userAgent) || (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);
}

function isStandalone(): boolean {
  const nav = navigator as Navigator & { standalone?: boolean };
  return nav.standalone === true || matchMedia('(display-mode: standalone)').matches;
}

export class PwaClient extends EventTarget implements PwaSource {
  snapshot: PwaSnapshot = { offlineReady: false, updateWaiting: false, updating: false, installable: false, installed: false, ios: false };
  private wb?: Workbox;
  private deferred?: BeforeInstallPromptEvent;

  /** Starts listening for the install events (they may fire before any element exists). */
  listen(): this {
    this.set({ installed: isStandalone(), ios: isIos() });
    addEventListener('beforeinstallprompt', (e) => {
      // Keep the event: the in-app button shows the prompt when the user asks.
      e.preventDefault();
      this.deferred = e as BeforeInstallPromptEvent;
      this.set({ installable: true });
    });
    addEventListener('appinstalled', () => {
      this.deferred = undefined;
      this.set({ installable: false, installed: true });
    });
    return this;
  }

  /** Registers the service worker (scope: its folder). Failures are reported, never thrown. */
  async register(script: URL): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    const wb = new Workbox(script.href);
    this.wb = wb;
    wb.addEventListener('waiting', () => this.set({ updateWaiting: true }));
    const hadController = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (this.snapshot.updating) location.reload();
      // Another tab accepted an update: this page keeps running its code; offer a reload.
      else if (hadController) this.set({ updateWaiting: true });
    });
    try {
      await wb.register();
      await navigator.serviceWorker.ready;
      this.set({ offlineReady: true });
    } catch (e) {
      console.warn(`emolens: the service worker could not be registered, so the app will not work offline: ${(e as Error).message}`);
    }
  }

  async applyUpdate(): Promise<void> {
    const reg = await navigator.serviceWorker?.getRegistration();
    this.set({ updating: true });
    if (reg?.waiting && this.wb) this.wb.messageSkipWaiting();
    else location.reload();
  }

  async install(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
    const e = this.deferred;
    if (!e) return 'unavailable';
    // A prompt can be shown once; the browser fires a new event if it may offer again.
    this.deferred = undefined;
    this.set({ installable: false });
    await e.prompt();
    const { outcome } = await e.userChoice;
    if (outcome === 'accepted') this.set({ installed: true });
    return outcome;
  }

  private set(patch: Partial<PwaSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.dispatchEvent(new Event('change'));
  }
}

/** The page's one client; src/main.ts starts it. Elements read it unless given another source. */
export const pwa = new PwaClient();
