import { expect } from '@esm-bundle/chai';
import { FaceFollower } from '../../src/vision/face-follower.js';
import type { Face } from '../../src/vision/types.js';

const face = (x: number, y: number, side: number, score = 0.9): Face => ({ box: [x, y, side, side], score, landmarks: [] });

suite('face-follower', () => {
  test('plans the full detector first, then a window 2.5 times the face around each face', () => {
    const f = new FaceFollower();
    expect(f.plan(0)).to.deep.equal({ kind: 'full' });
    f.found([face(100, 50, 40), face(300, 200, 60)], 0);
    expect(f.plan(10)).to.deep.equal({ kind: 'windows', windows: [[70, 20, 100], [255, 155, 150]] });
  });

  test('no face to follow, everyFrames frames, or everyMs elapsed after minFrames: the full detector again', () => {
    const f = new FaceFollower({ everyFrames: 5, everyMs: 500, minFrames: 2 });
    f.found([], 0);
    expect(f.plan(1).kind).to.equal('full');
    f.found([face(0, 0, 50)], 0);
    expect(f.plan(600).kind).to.equal('windows', 'a slow frame: the timer waits for minFrames');
    f.follow([[face(2, 0, 50)]]);
    expect(f.plan(499).kind).to.equal('windows');
    expect(f.plan(500).kind).to.equal('full');
    f.follow([[face(4, 0, 50)]]);
    f.follow([[face(6, 0, 50)]]);
    f.follow([[face(8, 0, 50)]]);
    expect(f.plan(100).kind).to.equal('full', 'fifth frame since the full one');
  });

  test('follow: nearest face of a like size per window; a twin is dropped; a loss asks for the full detector after minFrames', () => {
    const f = new FaceFollower({ minFrames: 3 });
    f.found([face(100, 100, 50), face(130, 100, 50)], 0);
    // Window 1: a small face (a background face) and the followed one moved by 5 px.
    const r = f.follow([[face(90, 90, 10), face(105, 100, 50)], [face(105, 100, 50, 0.8)]]);
    expect(r.faces.map((x) => x.box[0])).to.deep.equal([105]);
    expect(r.lost).to.equal(1, 'both windows found the same face: one is lost');
    expect(f.plan(1).kind).to.equal('windows', 'second frame since the full one');
    f.follow([[face(106, 100, 50)], []]);
    expect(f.plan(2).kind).to.equal('full', 'third frame, a loss pending');
    expect(() => f.follow([[]])).to.throw(/1 windows for 2 faces/);
  });

  test('a lost face stays a ghost for huntFrames frames: its window is searched, a full-frame detection keeps it', () => {
    const f = new FaceFollower({ huntFrames: 2, minFrames: 10 }); // no loss-triggered full-frame detection here
    f.found([face(0, 0, 50), face(300, 0, 50)], 0);
    expect(f.follow([[face(2, 0, 50)], []])).to.deep.equal({ faces: [face(2, 0, 50)], lost: 1 });
    f.found([face(4, 0, 50)], 0); // the full-frame detector does not see it either
    const w = f.plan(1);
    expect(w.kind === 'windows' && w.windows.length).to.equal(2, 'the ghost\'s window is still searched');
    const back = f.follow([[face(6, 0, 50)], [face(302, 0, 50)]]);
    expect(back.faces.map((x) => x.box[0])).to.deep.equal([6, 302]);
    // Away for longer than huntFrames: forgotten.
    f.follow([[face(8, 0, 50)], []]);
    f.follow([[face(10, 0, 50)], []]);
    f.follow([[face(12, 0, 50)], []]);
    const p = f.plan(2);
    expect(p.kind === 'windows' && p.windows.length).to.equal(1);
  });

  test('reset forgets the faces', () => {
    const f = new FaceFollower();
    f.found([face(0, 0, 50)], 0);
    f.reset();
    expect(f.plan(1)).to.deep.equal({ kind: 'full' });
  });
});
