// The Gender switch as a resource of the camera view: remembered on this device, and the gender
// model fetched only when the switch is on (issue 16). Turning it on the first time loads the model
// in the worker (the switch says "loading"); a failure says so, turns gender off and leaves emotion
// running. Frames ask for gender only once the model is ready.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GenderInfo } from '../../worker/api';

/** localStorage key of the Gender setting ('on' / 'off'). */
export const GENDER_KEY = 'emolens.gender';

export type GenderStatus = 'off' | 'loading' | 'ready' | 'failed';

export class GenderController implements ReactiveController {
  /** What the user asked for (the switch's position). */
  on = true;
  status: GenderStatus = 'off';
  /** Why the model could not load (status 'failed'). */
  error = '';
  /** The weights' rule for "not estimated", in one sentence, once loaded. */
  info?: GenderInfo;

  constructor(private readonly host: ReactiveControllerHost, private readonly load: () => Promise<GenderInfo>) {
    host.addController(this);
  }

  hostConnected(): void {
    this.on = localStorage.getItem(GENDER_KEY) !== 'off';
  }

  /** Whether frames should ask for gender now: on, and the model is loaded. */
  get active(): boolean {
    return this.on && this.status === 'ready';
  }

  /** The pipeline is ready: load the gender model now if the switch is on. */
  pipelineReady(): void {
    if (this.on) void this.ensure();
  }

  /** The switch moved. */
  set(on: boolean): void {
    this.on = on;
    localStorage.setItem(GENDER_KEY, on ? 'on' : 'off');
    if (on) void this.ensure();
    this.host.requestUpdate();
  }

  private async ensure(): Promise<void> {
    if (this.status === 'ready' || this.status === 'loading') return;
    this.status = 'loading';
    this.error = '';
    this.host.requestUpdate();
    try {
      this.info = await this.load();
      this.status = 'ready';
    } catch (e) {
      this.status = 'failed';
      this.error = e instanceof Error ? e.message : String(e);
      this.on = false; // the switch goes back off; emotion goes on without it
    }
    this.host.requestUpdate();
  }
}
