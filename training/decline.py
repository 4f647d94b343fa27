"""Declining to judge gender: children (gender from a child's face is near chance) and unsure faces.

A gender model with an age head has "outputs": {"gender": [0, 2], "age_band": [2, 2 + K]} and
"output_labels": {"age_band": AGE_HEAD_BANDS} in its JSON, and a "decline" rule:
    {"child_bands": ["0-2", "3-9", "10-12"], "child_min_probability": c, "gender_min_probability": t}
A face gets no gender ("not estimated") when the age head's probability of the child bands is at least
c (reason "child"), else when its flip-averaged top gender probability is under t (reason "unsure").
The app applies the same rule (docs/ARCHITECTURE.md 'Extra outputs'); c and t are chosen on
validation data only (choose_rule), never on a test split.
"""
import numpy as np

from utkface import AGE_BANDS, GENDER_CLASSES, RACES, age_band, parse_name

# The age head's bands: the card's bands with 10-19 cut at 13, so "under 13" is a sum of bands.
AGE_HEAD_BANDS = ["0-2", "3-9", "10-12", "13-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+"]
CHILD_BANDS = ["0-2", "3-9", "10-12"]
TARGETS = {"adults_answered_accuracy": 0.95, "adults_coverage": 0.95, "all_answered_accuracy": 0.92, "all_coverage": 0.75}


def age_head_band(age: int) -> int:
    if age <= 2:
        return 0
    if age <= 9:
        return 1
    if age <= 12:
        return 2
    if age <= 19:
        return 3
    return min(4 + (age - 20) // 10, len(AGE_HEAD_BANDS) - 1)


def default_rule(child=0.5, gender=0.7):
    """child None: a model without an age head, whose rule is the unsure threshold alone."""
    if child is None:
        return {"gender_min_probability": gender}
    return {"child_bands": list(CHILD_BANDS), "child_min_probability": child, "gender_min_probability": gender}


def decide(probs: dict, spec: dict, rule: dict):
    """probs: {"gender": (N,2), "age_band": (N,K)} per-group softmax -> (labels, reasons): label index
    or -1 where declined; reason "child", "unsure" or None."""
    g = probs["gender"]
    if "child_bands" in rule:
        bands = spec.get("output_labels", {}).get("age_band", AGE_HEAD_BANDS)
        child_cols = [bands.index(b) for b in rule["child_bands"]]
        p_child = probs["age_band"][:, child_cols].sum(1)
        child = p_child >= rule["child_min_probability"]
    else:  # no age head: the unsure threshold alone
        child = np.zeros(len(g), bool)
    unsure = ~child & (g.max(1) < rule["gender_min_probability"])
    labels = np.where(child | unsure, -1, g.argmax(1))
    reasons = np.where(child, "child", np.where(unsure, "unsure", None))
    return labels, reasons


def _summary(labels, y, mask=None):
    mask = np.ones(len(y), bool) if mask is None else mask
    answered = mask & (labels >= 0)
    n = int(mask.sum())
    return {"n": n, "coverage": float(answered.sum() / max(n, 1)),
            "accuracy_answered": float((labels[answered] == y[answered]).mean()) if answered.any() else None}


def coverage_table(probs, y, names, spec, rule):
    """UTKFace faces: coverage and accuracy on answered faces overall, for adults (20+), and per gender,
    age band and race; plus whether the issue's targets are met on this split."""
    labels, reasons = decide(probs, spec, rule)
    meta = [parse_name(n) for n in names]
    ages = np.array([m[0] for m in meta])
    out = {"all": _summary(labels, y), "adults_20_plus": _summary(labels, y, ages >= 20),
           "declined_child": float((reasons == "child").mean()), "declined_unsure": float((reasons == "unsure").mean()),
           "groups": {"gender": {g: _summary(labels, y, y == i) for i, g in enumerate(GENDER_CLASSES)},
                      "age": {b: _summary(labels, y, np.array([age_band(a) == b for a in ages])) for b in AGE_BANDS},
                      "race": {r: _summary(labels, y, np.array([m[2] == r for m in meta])) for r in RACES}}}
    out["targets_met"] = targets_met(out["adults_20_plus"], out["all"])
    return out


def coverage_plain(probs, y, spec, rule):
    """Faces with a gender label only (the celeb crops: all adults)."""
    labels, reasons = decide(probs, spec, rule)
    return {"all": _summary(labels, y), "declined_child": float((reasons == "child").mean()),
            "female": _summary(labels, y, y == 0), "male": _summary(labels, y, y == 1)}


def targets_met(adults, everyone):
    ok = lambda v, t: v is not None and v >= t
    return {"adults_answered_accuracy": ok(adults["accuracy_answered"], TARGETS["adults_answered_accuracy"]),
            "adults_coverage": ok(adults["coverage"], TARGETS["adults_coverage"]),
            "all_answered_accuracy": ok(everyone["accuracy_answered"], TARGETS["all_answered_accuracy"]),
            "all_coverage": ok(everyone["coverage"], TARGETS["all_coverage"])}


def choose_rule(val_sets, spec, child_grid=(0.3, 0.4, 0.5, 0.6, 0.7), gender_grid=tuple(np.arange(0.5, 0.96, 0.025))):
    """val_sets: [(probs, y, ages or None)] validation data only (UTKFace val, celeb val, its camera
    version; celeb faces are adults). Picks the rule that meets the most targets on every set, then
    answers the most faces. -> (rule, per-set summaries)."""
    best = None
    if "age_band" not in spec.get("outputs", {}):
        child_grid = (None,)
    for c in child_grid:
        for t in gender_grid:
            rule = default_rule(None if c is None else float(c), round(float(t), 3))
            met, cover = 0, 0.0
            for probs, y, ages in val_sets:
                labels, _ = decide(probs, spec, rule)
                adults = _summary(labels, y, None if ages is None else ages >= 20)
                everyone = _summary(labels, y)
                met += sum(targets_met(adults, everyone).values())
                cover += everyone["coverage"]
            key = (met, cover)
            if best is None or key > best[0]:
                best = (key, rule)
    return best[1]


def rule_from_validation(model, spec, utk_val, val_sets):
    """After training: the rule chosen on UTKFace val (x, y, names) and the celeb val sets {name: (x, y)}
    (adults), with each set's coverage under it. -> (rule, {set: summary})."""
    from shipped import grouped_probs
    x, y, names = utk_val
    ages = np.array([parse_name(n)[0] for n in names])
    sets = {"utk_val": (grouped_probs(model, spec, x, True), y, ages)}
    for name, (vx, vy) in (val_sets or {}).items():
        if name != "utk_val":
            sets[name] = (grouped_probs(model, spec, vx, True), vy, None)
    rule = choose_rule(list(sets.values()), spec)
    summary = {name: (coverage_table(p, vy_, names, spec, rule) if ages is not None else coverage_plain(p, vy_, spec, rule))
               for name, (p, vy_, ages) in sets.items()}
    return rule, summary


def main(argv=None):
    """Writes the decline rule of shipped weights that have none (today's gender model: no age head,
    so the unsure threshold alone), chosen by choose_rule on validation data only: UTKFace val and,
    when the data folder has them, the celeb crops' val split clean and as a camera sees it."""
    import argparse
    import json
    from pathlib import Path

    import torch

    from data_dir import ROOT, dataset
    from shipped import grouped_probs, load_shipped
    from utkface import load_utkface

    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--weights", default=str(ROOT / "weights"))
    p.add_argument("--name", default="gender")
    p.add_argument("--write", action="store_true", help="write the rule into <weights>/<name>.json (else print it)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-wild", action="store_true", help="UTKFace val only (skip the celeb crops)")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    model, spec = load_shipped(a.weights, a.name)
    size, color = spec["input"]["size"], spec["input"]["channels"] == 3
    x, y, names = load_utkface(dataset("utkface.zip"), size=size, color=color)["val"]
    ages = np.array([parse_name(n)[0] for n in names])
    sets = {"utk_val": (grouped_probs(model, spec, x, True), y, ages)}
    if not a.no_wild and dataset("celeb-gender-val.zip").exists():
        from celeb import load_celeb
        for k, cam in (("celeb_val", False), ("celeb_val_camera", True)):
            cx, cy = load_celeb("val", size, color, camera=cam, limit=0)[:2]
            sets[k] = (grouped_probs(model, spec, cx, True), cy, None)
    rule = choose_rule(list(sets.values()), spec)
    rule["chosen_on"] = sorted(sets)
    for k, (pr, yy, aa) in sets.items():
        s = coverage_table(pr, yy, names, spec, rule) if aa is not None else coverage_plain(pr, yy, spec, rule)
        brief = {g: s[g] for g in ("all", "adults_20_plus", "female", "male") if g in s}
        print(f"{k}: {json.dumps(brief)}")
    print(f"rule: {json.dumps(rule)}")
    if a.write:
        path = Path(a.weights) / f"{a.name}.json"
        js = json.loads(path.read_text())
        js["decline"] = rule
        path.write_text(json.dumps(js, indent=2) + "\n")
        print(f"wrote the rule into {path}")


if __name__ == "__main__":
    main()
