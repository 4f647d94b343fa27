"""Prepares face images for tools/crop-policy/measure.mjs: each image of a data set is scaled by
SCALE and pasted in the centre of a CELL×CELL tile (the rest filled with the image's mean colour,
so the detector sees no false edges), 16 tiles to a 640×640 detector input (YuNet's fixed size).

    /usr/bin/python3 tools/crop-policy/prepare.py fer|utk N OUT_PREFIX [--seed S]

Writes OUT_PREFIX.rgb (N×CELL×CELL×3 uint8) and OUT_PREFIX.json ({cell, scale, side, names}).
`side` is the data set's image side (48 for FER-2013, 100 for the UTKFace chips here).
"""
import argparse
import io
import json
import random
import sys
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "training"))
from data_dir import data_path, require_file  # noqa: E402

DATA = data_path("datasets")
CELL = 160
SETS = {
    # FER-2013 48×48 gray, Training split only (PublicTest/PrivateTest stay untouched).
    "fer": dict(zip=DATA / "fer2013.zip", side=48, scale=2.5, keep=lambda n: "/Training_" in n),
    # UTKFace 100×100 chips (dlib-aligned, resized from 200×200).
    "utk": dict(zip=DATA / "utkface.zip", side=100, scale=1.2, keep=lambda n: n.endswith(".jpg")),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=sorted(SETS))
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    cfg = SETS[a.set]
    z = zipfile.ZipFile(require_file(cfg["zip"]))
    names = sorted(n for n in z.namelist() if cfg["keep"](n))
    random.Random(a.seed).shuffle(names)
    names = names[: a.n]
    s = round(cfg["side"] * cfg["scale"])
    off = (CELL - s) // 2
    out = np.zeros((len(names), CELL, CELL, 3), np.uint8)
    for i, n in enumerate(names):
        img = Image.open(io.BytesIO(z.read(n))).convert("RGB")
        assert img.size == (cfg["side"], cfg["side"]), (n, img.size)
        arr = np.asarray(img.resize((s, s), Image.BILINEAR))
        out[i] = arr.reshape(-1, 3).mean(0).astype(np.uint8)
        out[i, off : off + s, off : off + s] = arr
    out.tofile(a.out + ".rgb")
    meta = dict(set=a.set, cell=CELL, offset=off, scaled=s, side=cfg["side"], names=names)
    Path(a.out + ".json").write_text(json.dumps(meta))


if __name__ == "__main__":
    main()
