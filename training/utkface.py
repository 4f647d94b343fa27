"""UTKFace (Zhang, Song, Qi, CVPR 2017) for the gender model: aligned-and-cropped face chips named
<age>_<gender>_<race>_<date>.jpg.chip.jpg (gender 0 male, 1 female; race 0 White, 1 Black,
2 Asian, 3 Indian, 4 Other). Licence: non-commercial research use only.

The split is fixed: splits/utkface.csv (file, split) is written once, seeded and stratified by
gender x age band x race, and read from then on, so the test part never drifts.
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

GENDER_CLASSES = ["female", "male"]  # the app's label order
RACES = ["White", "Black", "Asian", "Indian", "Other"]
AGE_BANDS = ["0-2", "3-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+"]
SPLIT_FILE = Path(__file__).resolve().parent / "splits" / "utkface.csv"
CACHE = Path(__file__).resolve().parent.parent / ".cache"


def age_band(age: int) -> str:
    if age <= 2:
        return "0-2"
    if age <= 9:
        return "3-9"
    if age >= 70:
        return "70+"
    lo = age // 10 * 10
    return f"{lo}-{lo + 9}"


def parse_name(name: str):
    """-> (age, gender label index in GENDER_CLASSES, race name) or None if the name is unusable.
    A few names are malformed (one lacks the race field): gender is always the second field."""
    parts = os.path.basename(name).split("_")
    try:
        age, g = int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        return None
    if g not in (0, 1):
        return None
    race = RACES[int(parts[2])] if len(parts) > 3 and parts[2].isdigit() and int(parts[2]) < 5 else "unknown"
    return age, 1 - g, race  # UTKFace 0 = male -> index 1 "male"


def make_split(names, seed=2017, frac=(0.7, 0.15, 0.15)):
    """Stratified by (gender, age band, race): each stratum is shuffled and cut 70/15/15."""
    rng = np.random.default_rng(seed)
    strata = {}
    for n in sorted(names):
        meta = parse_name(n)
        if meta:
            strata.setdefault((meta[1], age_band(meta[0]), meta[2]), []).append(n)
    out = {}
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        a = int(round(len(group) * frac[0]))
        b = a + int(round(len(group) * frac[1]))
        for i, n in enumerate(group):
            out[n] = "train" if i < a else "val" if i < b else "test"
    return out


def read_split(names):
    base = {os.path.basename(n): n for n in names}
    if not SPLIT_FILE.exists():
        SPLIT_FILE.parent.mkdir(exist_ok=True)
        split = make_split(base.keys())
        with open(SPLIT_FILE, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["file", "split"])
            for n in sorted(split):
                w.writerow([n, split[n]])
    with open(SPLIT_FILE, newline="") as f:
        return {row["file"]: row["split"] for row in csv.DictReader(f)}


def load_utkface(path, size=64, color=True, use_cache=True):
    """-> {"train"|"val"|"test": (pixels uint8 (N,S,S[,3]), labels (N,), names)}"""
    path = Path(path)
    require_file(path)
    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}:{st.st_size}:{st.st_mtime}:{size}:{color}".encode()).hexdigest()[:12]
    cache = CACHE / f"utkface-{key}.npz"
    if use_cache and cache.exists():
        z = np.load(cache, allow_pickle=False)
        return {s: (z[f"{s}_x"], z[f"{s}_y"], list(z[f"{s}_n"])) for s in ("train", "val", "test")}
    z = zipfile.ZipFile(path)
    names = [n for n in z.namelist() if n.lower().endswith(".jpg")]
    split = read_split(names)
    out = {s: ([], [], []) for s in ("train", "val", "test")}
    for n in sorted(names):
        s = split.get(os.path.basename(n))
        if s is None:
            continue
        img = Image.open(io.BytesIO(z.read(n))).convert("RGB" if color else "L").resize((size, size), Image.BILINEAR)
        xs, ys, ns = out[s]
        xs.append(np.asarray(img, dtype=np.uint8))
        ys.append(parse_name(n)[1])
        ns.append(os.path.basename(n))
    data = {s: (np.stack(x), np.array(y, dtype=np.int64), n) for s, (x, y, n) in out.items()}
    if use_cache:
        CACHE.mkdir(exist_ok=True)
        np.savez(cache, **{f"{s}_{k}": v for s, (x, y, n) in data.items()
                           for k, v in (("x", x), ("y", y), ("n", np.array(n)))})
    return data
