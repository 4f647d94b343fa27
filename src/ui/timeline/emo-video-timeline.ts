import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { buttons } from '../common/styles';
import { emotionAdjective } from '../common/words';
import { ASSUMED_FPS } from './analyse-video';
import { type TimelineFrame, type TrackPoint, dominant, toCsv, toJsonl, trackSeries } from './timeline-data';

/** How frame numbers relate to time: the video's measured rate, or the assumed one. */
function fpsNote(f: { fps: number; measured: boolean } | undefined): string {
  const rate = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  if (f?.measured) return `Frame numbers are at the video's own ${rate(f.fps)} frames a second.`;
  return `The video's frame rate could not be read, so frame numbers assume ${rate(f?.fps ?? ASSUMED_FPS)} frames a second.`;
}

/** Colours of the emotion lines (Okabe–Ito, distinguishable with the common colour-vision deficiencies). */
export const EMOTION_COLOURS: Record<string, string> = {
  angry: '#d55e00', disgust: '#009e73', fear: '#cc79a7', happy: '#e69f00', sad: '#0072b2', surprise: '#56b4e9', neutral: '#6b6b6b',
};

const RATES = [
  { step: 15, label: '2 frames a second (quick)' },
  { step: 5, label: '6 frames a second' },
  { step: 1, label: 'every frame (slow)' },
];

/** Runs the analysis; the host steps its video through its pipeline. */
/** Answers the frames, or the frames with the frame rate they were read at (measured from the video, or assumed). */
export type TimelineRunner = (step: number, onProgress: (done: number, total: number) => void, signal: AbortSignal, maxFrames?: number) =>
  Promise<TimelineFrame[] | { frames: TimelineFrame[]; fps: number; measured: boolean }>;

const W = 320, H = 64;

/**
 * A video's faces over time: "Make a timeline" steps through the file (every 15th, 5th or every
 * frame), then shows one small chart per face (track), each emotion's probability against the
 * video's time; a click on a chart seeks the video there. The results download as JSON Lines (the
 * fields of `npm run analyze`) and CSV.
 *
 * @fires emo-timeline-seek - detail: TimelineFrame (the analysed frame nearest the click)
 */
@customElement('emo-video-timeline')
export class VideoTimeline extends LitElement {
  static override styles = [
    buttons,
    css`
      :host {
        display: block;
        font-family: var(--emo-font);
        color: var(--emo-fg);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.75rem;
        align-items: center;
      }
      select {
        min-width: 0;
        max-width: 100%;
      }
      progress {
        width: min(100%, 16rem);
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 0.75rem 0 0;
        display: grid;
        gap: 0.75rem;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr));
      }
      h4 {
        margin: 0 0 0.2rem;
        font-size: 0.95rem;
      }
      svg {
        display: block;
        width: 100%;
        height: auto;
        background: var(--emo-surface);
        border: 1px solid var(--emo-border);
        border-radius: 6px;
        cursor: pointer;
      }
      svg:focus-visible {
        outline: var(--emo-focus);
        outline-offset: 2px;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 0.8rem;
        margin: 0.6rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
      }
      .legend svg {
        display: inline-block;
        width: 1.2rem;
        height: 0.6rem;
        border: 0;
        background: none;
        cursor: default;
        vertical-align: middle;
        margin-right: 0.25rem;
      }
      .note {
        color: var(--emo-muted);
        font-size: 0.85rem;
        margin: 0.4rem 0 0;
      }
      a.pill {
        text-decoration: none;
        display: inline-flex;
        align-items: center;
        box-sizing: border-box;
      }
    `,
  ];

  /** Emotion classes (line order) and gender classes (CSV columns). */
  @property({ attribute: false }) classes: readonly string[] = [];
  @property({ attribute: false }) genderClasses: readonly string[] = ['female', 'male'];
  /** The video's file name (the downloads' `file` field and names). */
  @property() file = 'video';
  /** The video's length in seconds (the charts' x axis). */
  @property({ type: Number }) duration = 0;
  @property({ attribute: false }) runner?: TimelineRunner;

  /** The analysed frames (tests read them). */
  @state() frames?: TimelineFrame[];
  @state() private _progress?: [number, number];
  /** The frame rate the frames were read at, when the runner said. */
  @state() private _fps?: { fps: number; measured: boolean };
  @state() private _error = '';
  @state() private _step = 5;
  private _abort?: AbortController;
  /** Object URLs of the two downloads, made once per timeline. */
  private _links?: { jsonl: string; csv: string };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._abort?.abort();
    this._revoke();
  }

  /** The downloads' contents (the page offers them as files). */
  jsonl(): string {
    return toJsonl(this.file, this.frames ?? []);
  }
  csv(): string {
    return toCsv(this.file, this.frames ?? [], this.classes, this.genderClasses);
  }

  /** Starts the analysis (the button does this); `maxFrames` limits it to the video's first frames. */
  async make(step = this._step, maxFrames?: number): Promise<void> {
    if (!this.runner || this._progress) return;
    this._revoke();
    this.frames = undefined;
    this._error = '';
    this._abort = new AbortController();
    this._progress = [0, 1];
    try {
      const r = await this.runner(step, (d, t) => (this._progress = [d, t]), this._abort.signal, maxFrames);
      this.frames = Array.isArray(r) ? r : r.frames;
      this._fps = Array.isArray(r) ? undefined : { fps: r.fps, measured: r.measured };
      this._links = { jsonl: this._url(this.jsonl(), 'application/jsonl'), csv: this._url(this.csv(), 'text/csv') };
    } catch (e) {
      this._error = `The timeline failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this._progress = undefined;
    }
  }

  override render() {
    const p = this._progress;
    return html`
      <div class="row">
        <label class="row">Read
          <select id="rate" ?disabled=${!!p} @change=${(e: Event) => (this._step = Number((e.target as HTMLSelectElement).value))}>
            ${RATES.map((r) => html`<option value=${r.step} ?selected=${r.step === this._step}>${r.label}</option>`)}
          </select>
        </label>
        ${p
          ? html`<progress max=${p[1]} .value=${p[0]} aria-label="Frames analysed"></progress>
              <span role="status">${p[0]} of ${p[1]} frames</span>
              <button id="cancel" @click=${() => this._abort?.abort()}>Stop</button>`
          : html`<button class="primary" id="make-timeline" ?disabled=${!this.runner} @click=${() => this.make()}>Make a timeline</button>`}
      </div>
      ${this._error ? html`<p role="alert">${this._error}</p>` : nothing}
      ${this.frames ? this._renderResult(this.frames) : nothing}
    `;
  }

  private _renderResult(frames: TimelineFrame[]) {
    const series = trackSeries(frames);
    const { jsonl, csv } = this._links ?? { jsonl: '', csv: '' };
    const stem = this.file.replace(/\.[^.]+$/, '');
    return html`
      <p class="note" id="timeline-summary">${frames.length} frames read, ${series.size} ${series.size === 1 ? 'face' : 'faces'} followed.
        Click a chart to see that moment. ${fpsNote(this._fps)}</p>
      <ul class="legend" aria-label="Line colours">
        ${this.classes.map((c) => html`<li>${svg`<svg viewBox="0 0 12 6" aria-hidden="true"><line x1="0" y1="3" x2="12" y2="3" stroke=${EMOTION_COLOURS[c] ?? '#000'} stroke-width="3"/></svg>`}${c}</li>`)}
      </ul>
      <ol aria-label="Emotion over time, one chart per face">
        ${[...series].map(([track, pts]) => this._renderTrack(track, pts, frames))}
      </ol>
      <div class="row" id="downloads">
        <a class="pill" id="download-jsonl" href=${jsonl} download=${`${stem}.timeline.jsonl`}>Download JSON Lines</a>
        <a class="pill" id="download-csv" href=${csv} download=${`${stem}.timeline.csv`}>Download CSV</a>
      </div>
    `;
  }

  private _renderTrack(track: number, pts: TrackPoint[], frames: TimelineFrame[]) {
    const d = Math.max(this.duration, frames.at(-1)?.time ?? 0, 1e-3);
    const x = (t: number) => (t / d) * W;
    const y = (p: number) => H - 4 - p * (H - 8);
    const top = dominant(pts);
    const first = pts[0].time, last = pts.at(-1)!.time;
    const summary = `#${track}: mostly ${emotionAdjective(top.label)} (${Math.round(top.share * 100)}% of its ${pts.length} frames), from ${first.toFixed(1)} s to ${last.toFixed(1)} s`;
    return html`<li data-track=${track}>
      <h4>#${track}: mostly ${emotionAdjective(top.label)}</h4>
      <svg viewBox="0 0 ${W} ${H}" role="img" tabindex="0" aria-label=${summary}
        @click=${(e: MouseEvent) => this._seekAt(e, frames, d)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this._emitSeek(pts[0].time, frames)}>
        ${svg`<line x1="0" y1=${y(0.5)} x2=${W} y2=${y(0.5)} stroke="#c9c9d6" stroke-dasharray="3 3" stroke-width="0.5"/>
          <text x="3" y="10" font-size="9" fill="#6b6b7b">100%</text>
          <text x=${W - 3} y=${H - 3} font-size="9" fill="#6b6b7b" text-anchor="end">${d.toFixed(1)} s</text>`}
        ${this.classes.map((c) => {
          const points = pts.map((p) => `${x(p.time).toFixed(1)},${y(p.probs[c] ?? 0).toFixed(1)}`).join(' ');
          return pts.length > 1
            ? svg`<polyline points=${points} fill="none" stroke=${EMOTION_COLOURS[c] ?? '#000'} stroke-width="1.6" stroke-linejoin="round"/>`
            : svg`<circle cx=${x(pts[0].time)} cy=${y(pts[0].probs[c] ?? 0)} r="2.5" fill=${EMOTION_COLOURS[c] ?? '#000'}/>`;
        })}
      </svg>
    </li>`;
  }

  private _seekAt(e: MouseEvent, frames: TimelineFrame[], d: number): void {
    const r = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
    this._emitSeek(((e.clientX - r.left) / Math.max(1, r.width)) * d, frames);
  }

  private _emitSeek(time: number, frames: TimelineFrame[]): void {
    let best = frames[0];
    for (const f of frames) if (Math.abs(f.time - time) < Math.abs(best.time - time)) best = f;
    if (best) this.dispatchEvent(new CustomEvent<TimelineFrame>('emo-timeline-seek', { detail: best, bubbles: true, composed: true }));
  }

  private _url(text: string, type: string): string {
    return URL.createObjectURL(new Blob([text], { type }));
  }

  private _revoke(): void {
    if (this._links) Object.values(this._links).forEach((u) => URL.revokeObjectURL(u));
    this._links = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-video-timeline': VideoTimeline;
  }
}
