"""FER-2013 loading in the three forms users have it: the Kaggle-style zip of JPEGs
(train/<emotion>/Training_<id>.jpg, test/<emotion>/{Public,Private}Test_<id>.jpg), the same tree
extracted to a folder, or the original fer2013.csv (columns emotion, pixels, Usage).

Everything is decoded once to uint8 arrays and cached next to the data's name in .cache/, because
decoding 35,887 JPEGs costs more than an epoch of training.
"""
import csv
import hashlib
import io
import os
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from data_dir import require_file

CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]  # FER-2013 order
SPLITS = ["Training", "PublicTest", "PrivateTest"]
CACHE = Path(__file__).resolve().parent.parent / ".cache"


def _usage_of(name: str):
    base = os.path.basename(name)
    for s in SPLITS:
        if base.startswith(s + "_"):
            return s
    return None


def _to_gray48(data: bytes, size: int = 48) -> np.ndarray:
    img = Image.open(io.BytesIO(data)).convert("L")
    if img.size != (size, size):
        img = img.resize((size, size), Image.BILINEAR)
    return np.asarray(img, dtype=np.uint8)


def _from_tree(entries):
    """entries: iterable of (relative path, bytes-thunk). The class is the parent folder."""
    out = {s: ([], [], []) for s in SPLITS}
    for rel, read in entries:
        parts = rel.replace("\\", "/").split("/")
        usage = _usage_of(rel)
        if usage is None or len(parts) < 2 or parts[-2] not in CLASSES:
            continue
        xs, ys, names = out[usage]
        xs.append(_to_gray48(read()))
        ys.append(CLASSES.index(parts[-2]))
        names.append(rel)
    return out


def _from_csv(path: Path):
    out = {s: ([], [], []) for s in SPLITS}
    with open(path, newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            xs, ys, names = out[row["Usage"]]
            xs.append(np.array(row["pixels"].split(), dtype=np.uint8).reshape(48, 48))
            ys.append(int(row["emotion"]))
            names.append(f"{row['Usage']}_row{i}")
    return out


def _read(path: Path):
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        return _from_tree((str(p.relative_to(path)), p.read_bytes) for p in files)
    if path.suffix == ".zip":
        z = zipfile.ZipFile(path)
        names = sorted(n for n in z.namelist() if n.lower().endswith((".jpg", ".jpeg", ".png")))
        return _from_tree((n, (lambda n=n: z.read(n))) for n in names)
    if path.suffix == ".csv":
        return _from_csv(path)
    raise SystemExit(f"don't know how to read FER-2013 from {path}: give the zip, its folder or fer2013.csv")


def load_fer2013(path, use_cache=True):
    """-> {split: (pixels uint8 (N,48,48), labels int64 (N,), names list[str])}"""
    path = Path(path)
    require_file(path)
    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}:{st.st_size}:{st.st_mtime}".encode()).hexdigest()[:12]
    cache = CACHE / f"fer2013-{key}.npz"
    if use_cache and cache.exists():
        z = np.load(cache, allow_pickle=False)
        return {s: (z[f"{s}_x"], z[f"{s}_y"], list(z[f"{s}_n"])) for s in SPLITS}
    raw = _read(path)
    data = {}
    for s, (xs, ys, names) in raw.items():
        x = np.stack(xs) if xs else np.zeros((0, 48, 48), np.uint8)
        data[s] = (x, np.array(ys, dtype=np.int64), names)
    if use_cache:
        CACHE.mkdir(exist_ok=True)
        np.savez(cache, **{f"{s}_{k}": v for s, (x, y, n) in data.items()
                           for k, v in (("x", x), ("y", y), ("n", np.array(n)))})
    return data
