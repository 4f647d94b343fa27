// emo-camera-view's control bar, a pure function of its state (split from camera-view.ts): start or
// stop the camera, pick a camera, the sample clip, the photo/video opener and the Gender switch.
import { html, nothing } from 'lit';
import type { Facing } from './camera-controller';
import type { GenderController } from './gender-controller';
import { genderSwitch } from './camera-view-parts';

export interface ControlsState {
  /** The camera is running (Stop shows instead of Start). */
  camera: boolean;
  /** The camera was refused: Start reads "Try the camera again" and is not the primary action. */
  denied: boolean;
  /** The pipeline has loaded. */
  ready: boolean;
  facing: Facing;
  devices: readonly MediaDeviceInfo[];
  /** The build has a sample clip. */
  sample: boolean;
  gender: GenderController;
  onStart(): void;
  onStop(): void;
  onFacing(e: Event): void;
  onSample(): void;
  onFile(e: Event): void;
}

export function cameraControls(s: ControlsState) {
  return html`<div class="controls">
    ${s.camera
      ? html`<button id="stop" @click=${s.onStop}>Stop camera</button>`
      : html`<button id="start" class=${s.denied ? '' : 'primary'} ?disabled=${!s.ready} @click=${s.onStart}>
          ${s.denied ? 'Try the camera again' : 'Start camera'}</button>`}
    <label class="visually-hidden" for="camera">Camera</label>
    <select id="camera" .value=${s.facing} ?disabled=${!s.ready} @change=${s.onFacing}>
      <option value="user">Front camera</option>
      <option value="environment">Back camera</option>
      ${s.devices.map((d, i) => html`<option value=${`device:${d.deviceId}`}>${d.label || `Camera ${i + 1}`}</option>`)}
    </select>
    ${s.sample ? html`<button id="sample" ?disabled=${!s.ready} @click=${s.onSample}>Sample clip</button>` : nothing}
    <input id="file" class="visually-hidden" type="file" accept="image/*,video/*" ?disabled=${!s.ready} @change=${s.onFile} />
    <label class="file pill" for="file" aria-disabled=${s.ready ? 'false' : 'true'}>Open a photo or video…</label>
    ${genderSwitch(s.gender, s.ready, (on) => s.gender.set(on))}
  </div>`;
}
