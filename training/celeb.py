"""Adult faces in the wild with a gender label: celeb-gender-{train,val}.zip in the data folder
(tight colour crops of about 80x100 px, train/{female,male}/<n>.jpg; CelebA-derived, non-commercial
research use only, like UTKFace; see the data folder's README).

Each crop's centre square is resized to the model's input, as `npm run classify -- --model gender`
feeds a photo. camera_degrade() makes the "camera" copy of the val split used for choosing: the
face as a webcam frame holds it (few pixels, blur, JPEG, colour casts, dim or harsh light), seeded
per image so the set is the same on every machine.
"""
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from data_dir import dataset

CLASSES = ["female", "male"]  # the app's gender order
CACHE = Path(__file__).resolve().parent.parent / ".cache"


def centre_square(img: Image.Image) -> Image.Image:
    w, h = img.size
    s = min(w, h)
    return img.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))


def camera_degrade(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """RGB square face crop -> the same face as a camera frame might give it (still at its size)."""
    size = img.size[0]
    small = int(rng.integers(20, 44))  # face width in camera pixels: a face a metre or two away
    img = img.resize((small, small), Image.BILINEAR)
    if rng.random() < 0.6:
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.0))))
    a = np.asarray(img, dtype=np.float32) / 255
    a = a ** float(np.exp(rng.normal(0, 0.3)))  # under/over exposure
    a = a * rng.uniform(0.8, 1.2, size=3)  # white balance / colour cast
    a = (a - a.mean()) * rng.uniform(0.7, 1.1) + a.mean() + rng.uniform(-0.08, 0.08)
    img = Image.fromarray(np.clip(a * 255 + 0.5, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(25, 75)))
    return Image.open(buf).convert("RGB").resize((size, size), Image.BILINEAR)


def load_celeb(split: str, size=64, color=True, camera=False, path=None, use_cache=True, limit=0, seed=0):
    """split "train" | "val" -> (pixels uint8 (N,S,S,3) or (N,S,S), labels int64 (0 female, 1 male), names).
    limit: a seeded sample of that many files, decoded alone (smoke runs)."""
    path = Path(path or dataset(f"celeb-gender-{split}.zip"))
    if not path.exists():
        raise SystemExit(f"celeb gender crops not found at {path}: set EMOLENS_DATA to the data folder (default ../shared)")
    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}:{st.st_size}:{st.st_mtime}:{size}:{color}:{camera}:{limit}:{seed}".encode()).hexdigest()[:12]
    cache = CACHE / f"celeb-{split}-{key}.npz"
    if use_cache and cache.exists():
        z = np.load(cache, allow_pickle=False)
        return z["x"], z["y"], list(z["n"])
    z = zipfile.ZipFile(path)
    names = sorted(n for n in z.namelist() if n.lower().endswith((".jpg", ".jpeg", ".png")) and n.split("/")[-2] in CLASSES)
    if limit and limit < len(names):
        names = [names[i] for i in np.sort(np.random.default_rng(seed).permutation(len(names))[:limit])]
    xs, ys = [], []
    for n in names:
        img = centre_square(Image.open(io.BytesIO(z.read(n))).convert("RGB")).resize((size, size), Image.BILINEAR)
        if camera:
            seed = int.from_bytes(hashlib.sha1(n.encode()).digest()[:4], "little")
            img = camera_degrade(img, np.random.default_rng(seed))
        xs.append(np.asarray(img if color else img.convert("L"), dtype=np.uint8))
        ys.append(CLASSES.index(n.split("/")[-2]))
    x, y = np.stack(xs), np.array(ys, dtype=np.int64)
    if use_cache:
        CACHE.mkdir(exist_ok=True)
        np.savez(cache, x=x, y=y, n=np.array(names))
    return x, y, names


if __name__ == "__main__":  # a look at the camera copy: python3 training/celeb.py OUT.png
    import sys
    z = zipfile.ZipFile(dataset("celeb-gender-val.zip"))
    names = [n for n in sorted(z.namelist()) if n.endswith(".jpg")][:8]
    tiles = []
    for n in names:
        img = centre_square(Image.open(io.BytesIO(z.read(n))).convert("RGB")).resize((64, 64), Image.BILINEAR)
        seed = int.from_bytes(hashlib.sha1(n.encode()).digest()[:4], "little")
        tiles += [img, camera_degrade(img, np.random.default_rng(seed))]
    sheet = Image.new("RGB", (64 * len(tiles), 64))
    for i, t in enumerate(tiles):
        sheet.paste(t, (64 * i, 0))
    sheet.save(sys.argv[1] if len(sys.argv) > 1 else "/tmp/celeb-camera.png")
