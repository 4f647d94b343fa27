// Re-renders an element whenever the PWA state (service worker, install prompt) changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { pwa, type PwaSnapshot, type PwaSource } from '../../sw/client';

export class PwaController implements ReactiveController {
  private source?: PwaSource;
  private readonly onChange = () => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The host's source, read at connect time; undefined = the page's service worker client. */
    private readonly get: () => PwaSource | undefined = () => undefined,
  ) {
    host.addController(this);
  }

  /** The source in use (the page's client until connected). */
  get client(): PwaSource {
    return this.source ?? this.get() ?? pwa;
  }

  get state(): PwaSnapshot {
    return this.client.snapshot;
  }

  hostConnected(): void {
    this.source = this.get() ?? pwa;
    this.source.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.source?.removeEventListener('change', this.onChange);
    this.source = undefined;
  }
}
