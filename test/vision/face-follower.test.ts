import { expect } from '@esm-bundle/chai';
import { FaceFollower } from '../../src/vision/face-follower.js';
import type { Face } from '../../src/vision/types.js';

const face = (x: number, y: number, side: number, score = 0.9): Face => ({ box: [x, y, side, side], score, landmarks: [] });

suite('face-follower', () => {
  test('plans the full detector first, then a window twice the face around each face', () => {
    const f = new FaceFollower();
    expect(f.plan(0)).to.deep.equal({ kind: 'full' });
    f.found([face(100, 50, 40), face(300, 200, 60)], 0);
    expect(f.plan(10)).to.deep.equal({ kind: 'windows', windows: [[80, 30, 80], [270, 170, 120]] });
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

  test('follow: nearest face of a like size per window; a lost face or a twin asks for the full detector', () => {
    const f = new FaceFollower();
    f.found([face(100, 100, 50), face(130, 100, 50)], 0);
    // Window 1: a small face (a background face) and the followed one moved by 5 px.
    const r = f.follow([[face(90, 90, 10), face(105, 100, 50)], [face(105, 100, 50, 0.8)]]);
    expect(r.faces.map((x) => x.box[0])).to.deep.equal([105]);
    expect(r.lost).to.equal(1, 'both windows found the same face: one is lost');
    expect(f.plan(1).kind).to.equal('full');
    f.found([face(100, 100, 50)], 0);
    expect(f.follow([[]])).to.deep.equal({ faces: [], lost: 1 });
    expect(() => f.follow([[], []])).to.throw(/2 windows for 0 faces/);
  });

  test('reset forgets the faces', () => {
    const f = new FaceFollower();
    f.found([face(0, 0, 50)], 0);
    f.reset();
    expect(f.plan(1)).to.deep.equal({ kind: 'full' });
  });
});
