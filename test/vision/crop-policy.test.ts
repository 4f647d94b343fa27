import { expect } from '@esm-bundle/chai';
import { EMOTION_CROP, GENDER_CROP, type Point, affineScale, applyAffine, cropTransform, landmarksUsable } from '../../src/vision/crop-policy.js';

/** The template of `spec` placed in a frame: scaled by s, turned by deg, top-left of the crop at (x0, y0). */
function faceFromTemplate(template: readonly (readonly [number, number])[], size: number, s: number, deg: number, x0: number, y0: number) {
  const r = (deg * Math.PI) / 180;
  const landmarks = template.map(([u, v]) => {
    const x = u * size * s, y = v * size * s;
    return [x0 + x * Math.cos(r) - y * Math.sin(r), y0 + x * Math.sin(r) + y * Math.cos(r)] as Point;
  });
  return { box: [x0, y0, size * s, size * s] as [number, number, number, number], landmarks };
}

suite('crop-policy', () => {
  for (const [spec, name] of [[EMOTION_CROP, 'emotion'], [GENDER_CROP, 'gender']] as const) {
    test(`${name}: a face shaped like the template maps back onto it (scale, turn, shift recovered)`, () => {
      const f = faceFromTemplate(spec.template, spec.size, 3.5, 25, 100, 40);
      const m = cropTransform(f, spec);
      expect(affineScale(m)).to.be.closeTo(3.5, 1e-9);
      expect((Math.atan2(m.c, m.a) * 180) / Math.PI).to.be.closeTo(25, 1e-9);
      spec.template.forEach(([u, v], i) => {
        const [x, y] = applyAffine(m, u * spec.size, v * spec.size);
        expect(x).to.be.closeTo(f.landmarks[i][0], 1e-9);
        expect(y).to.be.closeTo(f.landmarks[i][1], 1e-9);
      });
    });
  }

  test('templates: eyes level, left/right in YuNet order, emotion tighter vertically than gender', () => {
    for (const t of [EMOTION_CROP.template, GENDER_CROP.template]) {
      expect(t[0][1]).to.equal(t[1][1]);
      expect(t[0][0]).to.be.below(t[1][0]);
      expect(t[3][0]).to.be.below(t[4][0]);
    }
    expect(EMOTION_CROP.template[0][1]).to.be.above(GENDER_CROP.template[0][1]);
  });

  test('the eyes alone set the turn: a displaced nose changes the scale fit, not the angle', () => {
    const f = faceFromTemplate(EMOTION_CROP.template, 48, 2, -10, 50, 50);
    f.landmarks[2] = [f.landmarks[2][0] + 15, f.landmarks[2][1]];
    const m = cropTransform(f, EMOTION_CROP);
    expect((Math.atan2(m.c, m.a) * 180) / Math.PI).to.be.closeTo(-10, 1e-9);
  });

  test('unusable landmarks fall back to the box: no turn, measured centre and size', () => {
    const face = { box: [200, 100, 80, 100] as [number, number, number, number], landmarks: [[240, 150], [241, 150], [240, 160], [235, 170], [245, 170]] as Point[] };
    expect(landmarksUsable(face)).to.equal(false);
    const m = cropTransform(face, EMOTION_CROP);
    expect(m.b).to.equal(0);
    expect(affineScale(m)).to.be.closeTo(Math.sqrt(80 * 100) / (EMOTION_CROP.box.size * 48), 1e-9);
    const [cx, cy] = applyAffine(m, EMOTION_CROP.box.cx * 48, EMOTION_CROP.box.cy * 48);
    expect([cx, cy]).to.deep.equal([240, 150]);
    expect(landmarksUsable({ box: face.box, landmarks: [] })).to.equal(false);
  });
});
