// The camera as a resource of its host element: list the video inputs, open one (front, back or
// a named device), stop it when asked or when the host leaves the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** 'user' (front), 'environment' (back), or `device:<deviceId>`. */
export type Facing = 'user' | 'environment' | `device:${string}`;

export class CameraController implements ReactiveController {
  /** Video inputs (labels are empty until the user has granted the camera once). */
  devices: MediaDeviceInfo[] = [];
  stream?: MediaStream;
  /** Whether to show the picture mirrored: a front (or unknown, as most webcams) camera. */
  mirrored = true;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
  }

  /** Re-reads the video inputs; resolves to how many there are (0 without mediaDevices). */
  async refresh(): Promise<number> {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) {
      this.devices = [];
    } else {
      try {
        this.devices = (await md.enumerateDevices()).filter((d) => d.kind === 'videoinput');
      } catch {
        this.devices = [];
      }
    }
    this.host.requestUpdate();
    return this.devices.length;
  }

  /** Opens the camera; rejects with getUserMedia's DOMException (NotAllowedError, NotFoundError, …). */
  async start(facing: Facing): Promise<MediaStream> {
    this.stop();
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) throw new DOMException('This browser offers no camera access here (it needs a secure context).', 'NotFoundError');
    const video: MediaTrackConstraints = facing.startsWith('device:')
      ? { deviceId: { exact: facing.slice('device:'.length) } }
      : { facingMode: { ideal: facing } };
    video.width = { ideal: 640 };
    video.height = { ideal: 480 };
    const stream = await md.getUserMedia({ video, audio: false });
    this.stream = stream;
    const setting = stream.getVideoTracks()[0]?.getSettings().facingMode;
    this.mirrored = setting ? setting === 'user' : facing !== 'environment';
    await this.refresh(); // labels are readable now
    return stream;
  }

  /** Stops `stream` (one the page no longer wants), and forgets it if it is the current one. */
  release(stream: MediaStream): void {
    stream.getTracks().forEach((t) => t.stop());
    if (this.stream === stream) this.stream = undefined;
  }

  stop(): void {
    if (this.stream) this.release(this.stream);
    this.host.requestUpdate();
  }
}
