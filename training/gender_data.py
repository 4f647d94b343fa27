"""Gender training data: UTKFace (ages, races, children) joined with the celeb crops in the wild
(adults only) when --celeb, and the validation sets checkpoints are chosen on (never a test split):
UTKFace val, celeb val and its camera-degraded copy (celeb.camera_degrade), female/male balance
reported for each.

Per training image it also gives the age-head target (decline.AGE_HEAD_BANDS index, -100 where the
age is unknown), whether the face is known to be an adult (every celeb crop, UTKFace 20+), its
source (0 UTKFace, 1 celeb), and the auxiliary age/race labels of the older --aux recipe.
"""
import numpy as np

from celeb import load_celeb
from data_dir import dataset
from decline import age_head_band
from utkface import AGE_BANDS, RACES, age_band, load_utkface, parse_name

CELEB_PREFIX = "celeb:"


def per_image_labels(names):
    """-> dict of int64 arrays: age_head, adult (1/0), source, aux_age (9 bands), race (-100 = unknown)."""
    n = len(names)
    out = {k: np.full(n, -100, np.int64) for k in ("age_head", "aux_age", "race")}
    out["adult"] = np.zeros(n, np.int64)
    out["source"] = np.zeros(n, np.int64)
    for i, name in enumerate(names):
        if name.startswith(CELEB_PREFIX):
            out["adult"][i], out["source"][i] = 1, 1
            continue
        age, _, race = parse_name(name)
        out["age_head"][i] = age_head_band(age)
        out["aux_age"][i] = AGE_BANDS.index(age_band(age))
        out["adult"][i] = int(age >= 20)
        if race in RACES:
            out["race"][i] = RACES.index(race)
    return out


def load_gender(path=None, size=64, color=True, celeb=False, celeb_limit=0, seed=0):
    """-> (splits {"train"|"val"|"test": (x, y, names)}, val_sets {name: (x, y)} for choosing).
    With celeb the train split gains the celeb train crops (names prefixed "celeb:")."""
    utk = load_utkface(path or dataset("utkface.zip"), size=size, color=color)
    val_sets = {"utk_val": utk["val"][:2]}
    if not celeb:
        return utk, val_sets
    cx, cy, cn = load_celeb("train", size, color, limit=celeb_limit, seed=seed)
    x, y, n = utk["train"]
    utk["train"] = (np.concatenate([x, cx]), np.concatenate([y, cy]), list(n) + [CELEB_PREFIX + s for s in cn])
    for name, cam in (("celeb_val", False), ("celeb_val_camera", True)):
        vx, vy, _ = load_celeb("val", size, color, camera=cam, limit=celeb_limit, seed=seed)
        val_sets[name] = (vx, vy)
    return utk, val_sets
