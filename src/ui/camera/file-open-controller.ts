// A photo or video the user picks with a file input or drops on the host's drop target, handed to
// the host with an object URL. The URL lives until the next file, revoke(), or the host leaving
// the page, so the picture showing it stays valid while it is on screen.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface FileOpenHooks {
  /** Whether a drop is taken now (the file input is disabled instead while it is not). */
  accepting(): boolean;
  /** A photo was opened; its URL is `url` on the controller. */
  photo(file: File): Promise<void>;
  video(url: string, file: File): Promise<void>;
}

export class FileOpenController implements ReactiveController {
  /** A file is being dragged over the drop target. */
  dragover = false;
  /** The object URL of the file opened last ('' once revoked). */
  url = '';

  constructor(private readonly host: ReactiveControllerHost, private readonly hooks: FileOpenHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.revoke();
  }

  revoke(): void {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = '';
  }

  // Arrow functions: Lit calls event listeners with the host element as `this`.
  /** The file input's change listener. */
  readonly onChange = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // picking the same file again fires change again
    if (file) void this.open(file);
  };

  readonly onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this.setDragover(true);
  };

  readonly onDragLeave = (): void => {
    this.setDragover(false);
  };

  readonly onDrop = (e: DragEvent): void => {
    e.preventDefault();
    this.setDragover(false);
    const file = e.dataTransfer?.files?.[0];
    if (file && this.hooks.accepting()) void this.open(file);
  };

  private setDragover(on: boolean): void {
    if (this.dragover === on) return;
    this.dragover = on;
    this.host.requestUpdate();
  }

  private async open(file: File): Promise<void> {
    this.revoke();
    this.url = URL.createObjectURL(file);
    this.host.requestUpdate();
    if (file.type.startsWith('video/')) await this.hooks.video(this.url, file);
    else await this.hooks.photo(file);
  }
}
