// Pieces of emo-camera-view's markup that are pure functions of its state, kept apart so the
// element's file holds its behaviour: the load-failure alert, the message line, the idle picture's
// text, the no-face message with its explicit whole-picture offer, the saliency bar, the video's
// timeline section and the sample clip's credit.
import { html, nothing } from 'lit';
import type { SaliencySettings } from '../saliency/emo-saliency-controls';
import type { TimelineController } from '../timeline/timeline-controller';
import type { LoadFailure } from './load-failure';
import type { GenderController } from './gender-controller';

export function loadFailureAlert(failed: LoadFailure | undefined) {
  if (!failed) return nothing;
  return html`<p class="message error" role="alert" id="load-error">${failed.text}
    ${failed.cpuUrl ? html`<a class="pill" id="use-cpu" href=${failed.cpuUrl}>Use the CPU instead</a>` : nothing}</p>`;
}

/** The idle picture's text; `sample`: the build has a sample clip to offer. */
export function idleText(ready: boolean, failed: boolean, denied: boolean, sample: boolean): string {
  if (failed) return 'The models could not start, so nothing can be analysed here.';
  if (!ready) return 'Loading the face detector and models…';
  if (!sample) return denied ? 'The camera is off. Open or drop a photo or video here.' : 'Start the camera, or open or drop a photo or video here.';
  return denied
    ? 'The camera is off. Play the sample clip, or open or drop a photo or video here.'
    : 'Start the camera, play the sample clip, or open or drop a photo or video here.';
}

/** Shown under a photo in which the detector found no face. */
export function noFaceMessage(onWhole: () => void) {
  return html`<div class="message" role="status" id="no-face">
    <p><strong>No face was found in this photo.</strong> The models read faces; try a photo where a face is clearly visible.</p>
    <p>You can still have the whole picture read as if it were one face (its centre square, reduced to 48×48 gray
      pixels), which is only meaningful for a close-up of one face.
      <button id="whole-image" @click=${onWhole}>Read the whole picture anyway</button></p>
  </div>`;
}

/** What to say when getUserMedia fails: every case points to another way in (the sample clip when the build has one, else the photo/video opener). */
export function cameraErrorText(e: unknown, sample: boolean): string {
  const name = e instanceof DOMException ? e.name : '';
  const other = sample ? 'play the sample clip' : 'open a photo or video';
  if (name === 'NotAllowedError' || name === 'SecurityError') return `Camera permission was denied. Allow the camera in the browser settings, or ${other}.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No camera matching that choice was found. Pick another camera, or ${other}.`;
  return `The camera could not start (${e instanceof Error ? e.message : String(e)}). ${sample ? 'Play the sample clip' : 'Open a photo or video'} instead?`;
}

/** The Gender switch: "loading…" while its model is fetched, and the weights' rule for "not estimated" once loaded. */
export function genderSwitch(g: GenderController, ready: boolean, set: (on: boolean) => void) {
  const loading = g.status === 'loading';
  return html`<label class="switch" title=${g.status === 'ready' && g.info?.decline ? g.info.decline : nothing}>
    <input id="gender" type="checkbox" role="switch" .checked=${g.on} ?disabled=${!ready || loading} aria-busy=${loading ? 'true' : 'false'}
      aria-describedby=${loading ? 'gender-state' : nothing} @change=${(e: Event) => set((e.target as HTMLInputElement).checked)} />
    Gender${loading ? html` <span id="gender-state" class="loading" role="status">loading…</span>` : nothing}
  </label>`;
}

/** The status (or, when `error`, alert) line above the controls; `offerSample` adds the sample clip's button. */
export function messageLine(text: string, error: boolean, offerSample: boolean, onSample: () => void) {
  if (!text) return nothing;
  return html`<p class="message ${error ? 'error' : ''}" role=${error ? 'alert' : 'status'}>
    ${text}
    ${offerSample ? html`<button class="primary" id="play-sample" @click=${onSample}>Play the sample clip</button>` : nothing}
  </p>`;
}

/** Explain on: the heat-map settings, the Snapshot button and the last saliency error. */
export function saliencyBar(o: {
  classes: readonly string[]; settings: SaliencySettings; ready: boolean; capture: () => unknown; canSnap: boolean; error?: string;
  onChange: (e: CustomEvent<SaliencySettings>) => void;
}) {
  return html`<div class="controls saliency">
    <emo-saliency-controls .classes=${o.classes} .settings=${o.settings} ?disabled=${!o.ready}
      @emo-saliency-change=${o.onChange}></emo-saliency-controls>
    <emo-snapshot-button .capture=${o.capture} ?disabled=${!o.canSnap}></emo-snapshot-button>
    ${o.error ? html`<span role="alert">${o.error}</span>` : nothing}
  </div>`;
}

/** For a video file or the sample clip: the per-face timeline and, once it has stopped the live loop, "Play again". */
export function timelineSection(o: { classes: readonly string[]; genderClasses: readonly string[]; file: string; duration: number; timeline: TimelineController }) {
  return html`<section class="timeline" aria-labelledby="timeline-heading">
    <h3 id="timeline-heading">Timeline of this video</h3>
    <emo-video-timeline .classes=${o.classes} .genderClasses=${o.genderClasses} .file=${o.file} .duration=${o.duration}
      .runner=${o.timeline.runner} @emo-timeline-seek=${o.timeline.onSeek}></emo-video-timeline>
    ${o.timeline.active ? html`<button id="play-again" @click=${o.timeline.resume}>Play again</button>` : nothing}
  </section>`;
}

export function sampleCredit() {
  return html`<p class="credit">Sample clip © 2012 Aaron "tango" Tang,
    <a href="https://creativecommons.org/licenses/by/2.0/" rel="license noopener">CC BY 2.0</a>.</p>`;
}
