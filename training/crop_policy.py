"""The app's crop policy (src/vision/crop-policy.ts, docs/crop-policy.md) for Python: the same
numbers, read from src/vision/crop-policy-data.ts, and the same transform, so data prepared or
evaluated here from detector output (boxes + five YuNet landmarks) is framed exactly as the app
frames faces at inference.

    from training.crop_policy import load_policy, crop_transform, crop
    policy = load_policy()
    img48 = crop(pil_image, box, landmarks, policy["emotion"])   # PIL 'L' 48x48
    img64 = crop(pil_image, box, landmarks, policy["gender"])    # PIL 'RGB' 64x64

The PIL crop samples bilinearly at crop-pixel centres after an area pre-shrink; the GPU kernel
averages TAPS x TAPS bilinear samples per pixel instead, so the two agree to within resampling
differences, not bit for bit.
"""
import json
import math
import re
from pathlib import Path

from PIL import Image

DATA = Path(__file__).resolve().parent.parent / "src" / "vision" / "crop-policy-data.ts"


def load_policy(path=DATA):
    """{'emotion': {...}, 'gender': {...}} as in crop-policy-data.ts (a JSON object in a TS module)."""
    text = Path(path).read_text()
    body = re.search(r"export default (\{.*\}) as const;", text, re.S)
    if not body:
        raise ValueError(f"{path}: no 'export default {{...}} as const;'")
    return json.loads(body.group(1))


def landmarks_usable(box, landmarks):
    x, y, w, h = box
    if len(landmarks) != 5 or not all(math.isfinite(v) for p in landmarks for v in p):
        return False
    (rx, ry), (lx, ly) = landmarks[0], landmarks[1]
    if math.hypot(lx - rx, ly - ry) < 0.2 * w:
        return False
    return all(x - w / 2 <= px <= x + 1.5 * w and y - h / 2 <= py <= y + 1.5 * h for px, py in landmarks)


def crop_transform(box, landmarks, spec):
    """(a, b, c, d, tx, ty): crop pixel (u, v) -> frame (a*u + b*v + tx, c*u + d*v + ty), continuous coords."""
    S = spec["size"]
    if not landmarks_usable(box, landmarks):
        x, y, w, h = box
        s = math.sqrt(max(w * h, 1e-6)) / (spec["box"]["size"] * S)
        return (s, 0.0, 0.0, s, x + w / 2 - s * spec["box"]["cx"] * S, y + h / 2 - s * spec["box"]["cy"] * S)
    p = landmarks
    q = [(u * S, v * S) for u, v in spec["template"]]
    theta = math.atan2(p[1][1] - p[0][1], p[1][0] - p[0][0])
    cos, sin = math.cos(theta), math.sin(theta)
    n = len(p)
    pmx, pmy = sum(a for a, _ in p) / n, sum(b for _, b in p) / n
    qmx, qmy = sum(a for a, _ in q) / n, sum(b for _, b in q) / n
    num = den = 0.0
    for (px, py), (qx, qy) in zip(p, q):
        qx, qy = qx - qmx, qy - qmy
        num += (cos * qx - sin * qy) * (px - pmx) + (sin * qx + cos * qy) * (py - pmy)
        den += qx * qx + qy * qy
    s = max(num / den, 1e-6)
    a, c = s * cos, s * sin
    return (a, -c, c, a, pmx - (a * qmx - c * qmy), pmy - (c * qmx + a * qmy))


def crop(image, box, landmarks, spec):
    """The model's input crop of one face: PIL 'L' (channels 1) or 'RGB' (3), size x size, edges replicated."""
    a, b, c, d, tx, ty = crop_transform(box, landmarks, spec)
    S = spec["size"]
    img = image.convert("RGB")
    scale = math.hypot(a, c)
    if scale > 1.5:  # shrink by an integer factor first, so bilinear sampling approximates an area average
        f = math.floor(scale)
        img = img.reduce(f)
        a, b, tx, c, d, ty = a / f, b / f, tx / f, c / f, d / f, ty / f
    # Replicate the border by padding, then PIL's AFFINE maps output (u, v) -> input (x, y).
    pad = 2 * S * max(1.0, math.hypot(a, c))
    pad = int(min(pad, 4096))
    padded = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad))
    padded.paste(img, (pad, pad))
    padded.paste(img.resize((img.width, 1), box=(0, 0, img.width, 1)).resize((img.width, pad)), (pad, 0))
    padded.paste(img.resize((img.width, 1), box=(0, img.height - 1, img.width, img.height)).resize((img.width, pad)), (pad, pad + img.height))
    left = padded.crop((pad, 0, pad + 1, padded.height)).resize((pad, padded.height))
    right = padded.crop((pad + img.width - 1, 0, pad + img.width, padded.height)).resize((pad, padded.height))
    padded.paste(left, (0, 0))
    padded.paste(right, (pad + img.width, 0))
    # PIL's AFFINE uses the same continuous convention (output centre x + 0.5 -> input coordinate).
    coeffs = (a, b, tx + pad, c, d, ty + pad)
    out = padded.transform((S, S), Image.AFFINE, coeffs, resample=Image.BILINEAR)
    return out.convert("L") if spec["channels"] == 1 else out


if __name__ == "__main__":
    # Self-check: an image pasted x3 into a frame and "detected" at the template comes back as itself.
    import numpy as np

    pol = load_policy()
    rng = np.random.default_rng(0)
    for name in ("emotion", "gender"):
        spec = pol[name]
        S = spec["size"]
        x0, y0 = 42, 24
        lm = [(x0 + u * S * 3, y0 + v * S * 3) for u, v in spec["template"]]
        t = crop_transform((x0, y0, S * 3, S * 3), lm, spec)
        assert abs(t[0] - 3) < 1e-9 and abs(t[2]) < 1e-9 and abs(t[4] - x0) < 1e-9 and abs(t[5] - y0) < 1e-9, t
        face = rng.integers(0, 256, (S, S, 3), dtype=np.uint8)
        frame = Image.new("RGB", (400, 300), (10, 200, 30))
        frame.paste(Image.fromarray(face).resize((S * 3, S * 3), Image.NEAREST), (x0, y0))
        out = np.asarray(crop(frame, (x0, y0, S * 3, S * 3), lm, spec)).astype(int)
        want = np.asarray(Image.fromarray(face).convert("L" if spec["channels"] == 1 else "RGB")).astype(int)
        assert out.shape == want.shape and np.abs(out - want).max() <= 1, (name, np.abs(out - want).max())
    print("crop_policy: ok")
