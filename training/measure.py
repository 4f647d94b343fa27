"""Every number a model card states that the data folder can reproduce, computed from a model:
accuracy per split with and without flip averaging, per-class precision/recall/confusion (emotion),
per gender / age band / race and by confidence (gender), the gender crops in the wild (clean and as
a camera degrades them) and, for a model with an age head, coverage and accuracy when it declines.

training/eval.py runs these on the shipped weights and checks them against the committed card;
card.py and gender_card.py write the same sections after training.
"""
import numpy as np

from data import CLASSES
from model import ModelConfig, count_flops
from shipped import grouped_probs, output_groups
from utkface import AGE_BANDS, GENDER_CLASSES, RACES, age_band, parse_name


def metrics(probs, labels):
    pred = probs.argmax(1)
    k = probs.shape[1]
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (labels, pred), 1)
    prec = np.diag(cm) / np.maximum(cm.sum(0), 1)
    rec = np.diag(cm) / np.maximum(cm.sum(1), 1)
    f1 = 2 * prec * rec / np.maximum(prec + rec, 1e-12)
    return {"accuracy": float((pred == labels).mean()), "macro_f1": float(f1.mean()),
            "precision": prec.tolist(), "recall": rec.tolist(), "confusion": cm.tolist()}


def group_table(correct, names):
    """Accuracy per gender, age band and race (UTKFace file names); groups without faces are left out."""
    meta = [parse_name(n) for n in names]
    groups = {"gender": {g: [] for g in GENDER_CLASSES}, "age": {b: [] for b in AGE_BANDS},
              "race": {r: [] for r in RACES + ["unknown"]}}
    for ok, (age, g, race) in zip(correct, meta):
        groups["gender"][GENDER_CLASSES[g]].append(ok)
        groups["age"][age_band(age)].append(ok)
        groups["race"][race].append(ok)
    return {k: {name: {"n": len(v), "accuracy": float(np.mean(v)) if v else None} for name, v in d.items() if v}
            for k, d in groups.items()}


def by_confidence(probs, y, thresholds=(0.6, 0.7, 0.8, 0.9)):
    """How right the model is when it is at least this sure (flip-averaged top probability): the share
    of faces at or above each threshold and the accuracy on them."""
    conf, ok = probs.max(1), probs.argmax(1) == y
    return [{"min_probability": t, "share_of_faces": float((conf >= t).mean()),
             "accuracy": float(ok[conf >= t].mean()) if (conf >= t).any() else None}  # None, not NaN: JSON has no NaN
            for t in thresholds]


def head_config(model) -> ModelConfig:
    return model.cfg


def model_size(model):
    return {"params": int(sum(p.numel() for p in model.parameters())), "flops_per_face": count_flops(head_config(model))}


def emotion(model, spec, data):
    """data: load_fer2013's dict. -> the card's measured sections."""
    splits = {}
    for split in ("PublicTest", "PrivateTest"):
        x, y, _ = data[split]
        splits[split] = {"images": int(len(y)),
                         "flip": metrics(grouped_probs(model, spec, x, True)["emotion"], y),
                         "no_flip": metrics(grouped_probs(model, spec, x, False)["emotion"], y)}
    prv, pub = splits["PrivateTest"], splits["PublicTest"]
    recall = {c: {"PrivateTest": prv["flip"]["recall"][i], "PrivateTest_no_flip": prv["no_flip"]["recall"][i],
                  "PublicTest": pub["flip"]["recall"][i]} for i, c in enumerate(CLASSES)}
    return {**model_size(model),
            "dataset": {"train": int(len(data["Training"][1]))},
            "headline": {"accuracy": prv["flip"]["accuracy"], "no_flip_accuracy": prv["no_flip"]["accuracy"],
                         "flip_gain": prv["flip"]["accuracy"] - prv["no_flip"]["accuracy"]},
            "splits": splits, "recall_table": recall}


def gender_split(model, spec, x, y, names):
    p = grouped_probs(model, spec, x, True)
    probs = p["gender"]
    m = metrics(probs, y)
    m["no_flip_accuracy"] = metrics(grouped_probs(model, spec, x, False)["gender"], y)["accuracy"]
    m["groups"] = group_table(probs.argmax(1) == y, names)
    m["by_confidence"] = by_confidence(probs, y)
    return m, p


def balanced(probs, y):
    """Accuracy with female and male recall, for data sets where one gender is misread more."""
    m = metrics(probs, y)
    return {"images": int(len(y)), "accuracy": m["accuracy"], "female": m["recall"][0], "male": m["recall"][1],
            "balanced_accuracy": float(np.mean(m["recall"]))}


def gender(model, spec, utk, wild=None, rule=None):
    """utk: load_utkface's dict; wild: {"celeb_val": (x, y), "celeb_val_camera": (x, y)} or None;
    rule: the JSON's "decline" object for a model with an age head (decline.py)."""
    splits, probs = {}, {}
    for s in ("val", "test"):
        x, y, names = utk[s]
        splits[s], probs[s] = gender_split(model, spec, x, y, names)
    test = splits["test"]
    flat = [(f"{k}={name}", r["accuracy"], r["n"]) for k, d in test["groups"].items() for name, r in d.items() if r["n"] >= 30]
    worst = min(flat, key=lambda t: t[1])
    out = {**model_size(model),
           "dataset": {"sizes": {s: int(len(utk[s][1])) for s in utk}},
           "headline": {"accuracy": test["accuracy"]},
           "worst_group": {"group": worst[0], "accuracy": worst[1], "n": worst[2]},
           "children": "ages 0-2 and 3-9: " + ", ".join(
               f"{b} {test['groups']['age'][b]['accuracy']:.3f} (n={test['groups']['age'][b]['n']})" for b in ("0-2", "3-9")) +
               "; infants' faces carry little gender signal, so the app's answer for a child is close to a guess.",
           "splits": splits}
    if wild:
        out["in_the_wild"] = {k: balanced(grouped_probs(model, spec, x, True)["gender"], y) for k, (x, y) in wild.items()}
    if rule and "age_band" in output_groups(spec):
        import decline
        out["declining"] = {"rule": rule}
        for s in ("val", "test"):
            out["declining"][s] = decline.coverage_table(probs[s], utk[s][1], utk[s][2], spec, rule)
        if wild:
            for k, (x, y) in wild.items():
                out["declining"][k] = decline.coverage_plain(grouped_probs(model, spec, x, True), y, spec, rule)
    return out
