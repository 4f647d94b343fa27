"""Reproduce every measured number of a model card from the data folder, and check the card.

    npm run eval -- --model emotion|gender            # exit 1 and a diff when the card disagrees
    npm run eval -- --model gender --write            # write the measured sections into the card
    /usr/bin/python3 training/eval.py --model emotion --weights .cache/smoke --card .cache/smoke/emotion.card.json --limit 300

Evaluates the shipped weights (weights/<model>.safetensors + .json, loaded into training/model.py)
with PyTorch on the CPU. Numbers are compared with the card's to the card's own rounding (a number
written with d decimals may differ by half a unit in the d-th place); text must match exactly.
Sections the card lacks are listed as new and do not fail the check (--write adds them); sections
only the card has (training history, recipe) are not reproducible from data and are left alone.
"""
import argparse
import functools
import json
import sys
from pathlib import Path

import numpy as np
import torch

import measure
from data_dir import ROOT, dataset
from shipped import load_shipped, output_groups


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["emotion", "gender"], required=True)
    p.add_argument("--weights", default=str(ROOT / "weights"), help="folder with <model>.safetensors and <model>.json")
    p.add_argument("--card", default=None, help="default: <weights>/<model>.card.json")
    p.add_argument("--write", action="store_true", help="write the measured sections into the card instead of checking")
    p.add_argument("--limit", type=int, default=None, help="smoke: a seeded sample of N images per split (default: the card's eval.limit, else all)")
    p.add_argument("--no-wild", action="store_true", help="gender: skip the celeb crops (clean and camera)")
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args(argv)


def sample(split, limit, seed=0):
    """A seeded subset of one split (x, y, names), kept in file order."""
    x, y, names = split
    if not limit or limit >= len(y):
        return split
    keep = np.sort(np.random.default_rng(seed).permutation(len(y))[:limit])
    return x[keep], y[keep], [names[i] for i in keep]


@functools.lru_cache(maxsize=2)
def _load(name, size=None, color=None):
    """Decoded data sets, kept for repeated calls of main() in one process (training/test_eval.py)."""
    if name == "fer2013":
        from data import load_fer2013
        return load_fer2013(dataset("fer2013.zip"))
    from utkface import load_utkface
    return load_utkface(dataset("utkface.zip"), size=size, color=color)


def measure_model(a, model, spec):
    if a.model == "emotion":
        data = {s: sample(v, a.limit) for s, v in _load("fer2013").items()}
        return measure.emotion(model, spec, data)
    size, color = spec["input"]["size"], spec["input"]["channels"] == 3
    utk = {s: sample(v, a.limit) for s, v in _load("utkface", size, color).items()}
    wild = None
    if not a.no_wild and dataset("celeb-gender-val.zip").exists():
        from celeb import load_celeb
        wild = {k: load_celeb("val", size, color, camera=cam, limit=a.limit or 0)[:2]
                for k, cam in (("celeb_val", False), ("celeb_val_camera", True))}
    return measure.gender(model, spec, utk, wild, spec.get("decline"))


def decimals(v) -> int:
    r = repr(float(v))
    if "e" in r:
        mant, exp = r.split("e")
        return max(0, len(mant.split(".")[1]) if "." in mant else 0) - int(exp)
    return len(r.split(".")[1]) if "." in r else 0


def compare(card, got, path=""):
    """-> (differences, new paths): every number, text and list of `got` against the card's."""
    diffs, new = [], []
    if isinstance(got, dict):
        if not isinstance(card, dict):
            return [f"{path}: card has {json.dumps(card)[:80]}, measured an object"], []
        for k, v in got.items():
            if k not in card:
                new.append(f"{path}.{k}")
            else:
                d, n = compare(card[k], v, f"{path}.{k}")
                diffs += d
                new += n
        return diffs, new
    if isinstance(got, (list, tuple)):
        if not isinstance(card, list) or len(card) != len(got):
            return [f"{path}: card {json.dumps(card)[:80]}, measured {json.dumps(got)[:80]}"], []
        for i, (c, g) in enumerate(zip(card, got)):
            d, n = compare(c, g, f"{path}[{i}]")
            diffs += d
            new += n
        return diffs, new
    if isinstance(got, (int, float)) and not isinstance(got, bool) and isinstance(card, (int, float)) and not isinstance(card, bool):
        tol = 0 if isinstance(card, int) and isinstance(got, int) else 0.5 * 10 ** -decimals(card) * (1 + 1e-9) + 1e-12
        if abs(card - got) > tol:
            diffs.append(f"{path}: card {card}, measured {got}")
        return diffs, new
    if card != got:
        diffs.append(f"{path}: card {json.dumps(card)}, measured {json.dumps(got)}")
    return diffs, new


def merge(card, got):
    for k, v in got.items():
        if isinstance(v, dict) and isinstance(card.get(k), dict):
            merge(card[k], v)
        else:
            card[k] = v
    return card


def main(argv=None):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    card_path = Path(a.card or Path(a.weights) / f"{a.model}.card.json")
    card = json.loads(card_path.read_text()) if card_path.exists() else {}
    if a.limit is None:
        a.limit = card.get("eval", {}).get("limit")
    model, spec = load_shipped(a.weights, a.model)
    got = measure_model(a, model, spec)
    got["eval"] = {"command": f"npm run eval -- --model {a.model}", "weights": f"{a.model}.safetensors",
                   "outputs": {k: list(v) for k, v in output_groups(spec).items()}}
    if a.limit:
        got["eval"]["limit"] = a.limit
    if a.write:
        card_path.write_text(json.dumps(merge(card, got), indent=1) + "\n")
        if a.model == "emotion":
            from card import confusion_png
            from data import CLASSES
            acc = got["splits"]["PrivateTest"]["flip"]["accuracy"]
            confusion_png(got["splits"]["PrivateTest"]["flip"]["confusion"], CLASSES,
                          f"emotion: PrivateTest accuracy {acc:.3f} (flip)", card_path.with_name("emotion.confusion.png"))
        else:
            from gender_card import chart
            chart(got["splits"]["test"]["groups"], got["headline"]["accuracy"], card_path.with_name("gender.groups.png"))
        print(f"eval: wrote {card_path}")
        return 0
    diffs, new = compare(card, got)
    headline = got["headline"]["accuracy"]
    print(f"eval {a.model}: {card_path}: headline {headline:.4f}" + (f" (limit {a.limit} per split)" if a.limit else ""))
    for d in diffs:
        print("  DIFFERS " + d)
    for n in new:
        print("  new (not in the card; --write adds it) " + n)
    print(f"eval {a.model}: {len(diffs)} number(s) differ from the card" if diffs else f"eval {a.model}: card reproduced")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
