// The live view's side of the timeline: stop the live loop and step the video file through the
// pipeline (analyse-video.ts); when a chart is clicked, seek the video there and show that frame's
// stored result (overlay and face list) instead of analysing it again; "Play again" resumes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PipelineResult } from '../../worker/api';
import { type AnalyseFrame, analyseVideo } from './analyse-video';
import type { TimelineRunner } from './emo-video-timeline';
import type { TimelineFrame } from './timeline-data';

export interface TimelineHooks {
  video(): HTMLVideoElement | undefined;
  /** Ends the live loop (and pauses the video). */
  stop(): void;
  analyse: AnalyseFrame;
  /** Draws a stored result over the picture. */
  draw(result: PipelineResult): void;
  /** Resumes live playback. */
  resume(): void;
}

export class TimelineController implements ReactiveController {
  /** A stored result on screen (after a click on a chart), shown instead of the live one. */
  pinned?: PipelineResult;
  /** The timeline is being made or looked at: the live loop is stopped. */
  active = false;

  constructor(private readonly host: ReactiveControllerHost, private readonly hooks: TimelineHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** A new source: forget the pinned frame. */
  reset(): void {
    this.pinned = undefined;
    this.active = false;
    this.host.requestUpdate();
  }

  readonly runner: TimelineRunner = async (step, onProgress, signal, maxFrames) => {
    const video = this.hooks.video();
    if (!video) throw new Error('no video is open');
    this.hooks.stop();
    this.active = true;
    this.pinned = undefined;
    this.host.requestUpdate();
    return analyseVideo(video, this.hooks.analyse, { step, onProgress, signal, maxFrames });
  };

  /** `emo-timeline-seek` listener. */
  readonly onSeek = (e: CustomEvent<TimelineFrame>): void => {
    const video = this.hooks.video();
    if (!video) return;
    this.hooks.stop();
    this.active = true;
    video.currentTime = e.detail.time;
    this.pinned = { faces: e.detail.faces, width: video.videoWidth, height: video.videoHeight, timings: {}, backend: '' };
    this.hooks.draw(this.pinned);
    this.host.requestUpdate();
  };

  readonly resume = (): void => {
    this.reset();
    this.hooks.resume();
  };
}
