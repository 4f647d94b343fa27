import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/ui/timeline/emo-video-timeline.js';
import type { VideoTimeline } from '../../src/ui/timeline/emo-video-timeline.js';
import { type TimelineFrame, dominant, toCsv, toJsonl, trackSeries } from '../../src/ui/timeline/timeline-data.js';
import type { PipelineFace } from '../../src/worker/frame-pipeline.js';
import { fpsFromMediaTimes } from '../../src/ui/timeline/frame-rate.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

function face(track: number, label: string, x = 10.123456): PipelineFace {
  const probs = Object.fromEntries(CLASSES.map((c) => [c, c === label ? 0.712345678 : 0.04794238]));
  return {
    box: [x, 20.005, 40.5, 50], score: 0.912345678, landmarks: [[1.234, 2.345], [3, 4], [5, 6], [7, 8], [9, 10]], track,
    emotion: { label, probs }, gender: { label: 'male', probs: { female: 0.123456, male: 0.876544 } },
  };
}

const frames: TimelineFrame[] = [
  { frame: 0, time: 0.5 / 30, faces: [face(2, 'sad', 100), face(1, 'happy')] },
  { frame: 5, time: 5.5 / 30, faces: [face(1, 'happy')] },
  { frame: 10, time: 10.5 / 30, faces: [] },
  { frame: 15, time: 15.5 / 30, faces: [face(1, 'surprise')] },
];

suite('timeline data', () => {
  test('JSON Lines: the fields, order and rounding of `npm run analyze`', () => {
    const lines = toJsonl('clip.mp4', frames).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).to.equal(4);
    expect(Object.keys(lines[0])).to.deep.equal(['file', 'frame', 'faces']);
    expect(lines[2]).to.deep.equal({ file: 'clip.mp4', frame: 10, faces: [] });
    const f = lines[0].faces[1];
    expect(Object.keys(f)).to.deep.equal(['box', 'score', 'landmarks', 'track', 'emotion', 'gender']);
    expect(f.box).to.deep.equal([10.12, 20.01, 40.5, 50]);
    expect(f.score).to.equal(0.9123);
    expect(f.landmarks[0]).to.deep.equal([1.23, 2.35]);
    expect(f.emotion).to.deep.equal({ label: 'happy', probs: { angry: 0.0479, disgust: 0.0479, fear: 0.0479, happy: 0.7123, sad: 0.0479, surprise: 0.0479, neutral: 0.0479 } });
    expect(f.gender).to.deep.equal({ label: 'male', probs: { female: 0.1235, male: 0.8765 } });
  });

  test('CSV: a header and one row per face and frame, the same numbers', () => {
    const rows = toCsv('a,b.mp4', frames, CLASSES, ['female', 'male']).trim().split('\n');
    expect(rows.length).to.equal(1 + 4);
    const head = rows[0].split(',');
    expect(head.slice(0, 9)).to.deep.equal(['file', 'frame', 'time', 'track', 'x', 'y', 'width', 'height', 'score']);
    expect(head.slice(-11)).to.deep.equal(['emotion', ...CLASSES.map((c) => `p_${c}`), 'gender', 'p_female', 'p_male']);
    expect(rows[1].startsWith('"a,b.mp4",0,0.0167,2,100,20.01,40.5,50,0.9123,1.23,2.35,')).to.equal(true);
    expect(rows[1].endsWith(',sad,0.0479,0.0479,0.0479,0.0479,0.7123,0.0479,0.0479,male,0.1235,0.8765')).to.equal(true);
  });

  test('series per track in id order; the dominant label', () => {
    const s = trackSeries(frames);
    expect([...s.keys()]).to.deep.equal([1, 2]);
    expect(s.get(1)!.map((p) => p.frame)).to.deep.equal([0, 5, 15]);
    expect(dominant(s.get(1)!)).to.deep.equal({ label: 'happy', share: 2 / 3 });
  });
});

suite('emo-video-timeline', () => {
  test('one chart per face, a click seeks to the nearest analysed frame, both downloads offered', async () => {
    const el = await fixture<VideoTimeline>(html`<emo-video-timeline .classes=${CLASSES} file="clip.mp4" .duration=${0.6}
      .runner=${async (step: number) => frames.filter((f) => f.frame % step === 0)}></emo-video-timeline>`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('#make-timeline')!.click();
    await waitUntil(() => el.frames, 'no frames');
    await el.updateComplete;
    const charts = [...el.shadowRoot!.querySelectorAll('li[data-track]')];
    expect(charts.map((c) => c.getAttribute('data-track'))).to.deep.equal(['1', '2']);
    expect(charts[0].querySelectorAll('polyline').length).to.equal(7);
    expect(charts[0].querySelector('h4')!.textContent).to.equal('#1: mostly happy');
    const svg = charts[0].querySelector('svg')!;
    const r = svg.getBoundingClientRect();
    setTimeout(() => svg.dispatchEvent(new MouseEvent('click', { clientX: r.left + r.width * (15 / 30 / 0.6), clientY: r.top + 5, bubbles: true })));
    const seek = await oneEvent(el, 'emo-timeline-seek');
    expect(seek.detail.frame).to.equal(15);
    const jsonl = el.shadowRoot!.querySelector<HTMLAnchorElement>('#download-jsonl')!;
    expect(jsonl.download).to.equal('clip.timeline.jsonl');
    expect(await (await fetch(jsonl.href)).text()).to.equal(el.jsonl());
    expect(el.shadowRoot!.querySelector<HTMLAnchorElement>('#download-csv')!.download).to.equal('clip.timeline.csv');
  });

  test('frame rate from presented frames: the smallest step is one frame; skipped frames and jitter do not count', () => {
    // 25 fps with frames 3 and 6 skipped (a busy page), a repeated time and 1 ms of jitter.
    expect(fpsFromMediaTimes([0, 0.04, 0.08, 0.16, 0.2, 0.2, 0.28, 0.321, 0.36])).to.equal(25);
    expect(fpsFromMediaTimes([0, 1001 / 30000, 2002 / 30000, 4004 / 30000])).to.equal(30000 / 1001);
    expect(fpsFromMediaTimes([0, 1 / 12, 2 / 12])).to.equal(12);
    expect(fpsFromMediaTimes([0, 0.04])).to.equal(undefined); // one step: cannot tell
    expect(fpsFromMediaTimes([])).to.equal(undefined);
  });

  test('the note says whether the frame rate was measured', async () => {
    const el = await fixture<VideoTimeline>(html`<emo-video-timeline .classes=${CLASSES} file="clip.mp4" .duration=${1}
      .runner=${async () => ({ frames, fps: 25, measured: true })}></emo-video-timeline>`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('#make-timeline')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('#timeline-summary'), 'timeline made');
    expect(el.shadowRoot!.querySelector('#timeline-summary')!.textContent).to.include("the video's own 25 frames a second");
  });
});
