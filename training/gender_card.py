"""Model card for the gender model, with what no peer publishes: accuracy per gender, per age band
and per race on the untouched UTKFace test split, and the worst group named.

    python3 training/gender_card.py --run training/runs/gender --log training/logs/e0c64w20.log
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

import measure
from card import parse_log
from export import load_run, run_extra, spec_json
from measure import by_confidence, group_table  # noqa: F401  (kept importable from here)
from utkface import GENDER_CLASSES, load_utkface
from data_dir import data_path

ROOT = Path(__file__).resolve().parent.parent


def chart(table, overall, path):
    """Horizontal bars of accuracy per group (PIL only)."""
    rows = [(f"{k}: {name}", r["accuracy"], r["n"]) for k, d in table.items() for name, r in d.items()]
    w, bar_x, row_h = 640, 170, 22
    img = Image.new("RGB", (w, 60 + row_h * len(rows)), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    d.text((10, 10), f"gender accuracy on the UTKFace test split: {overall:.3f} overall (flip-averaged)", fill="black", font=font)
    lo = 0.5  # bars start at chance
    for i, (label, acc, n) in enumerate(rows):
        y = 40 + i * row_h
        d.text((10, y + 4), label, fill="black", font=font)
        x1 = bar_x + int((acc - lo) / (1 - lo) * (w - bar_x - 110))
        d.rectangle([bar_x, y, max(bar_x + 1, x1), y + row_h - 6], fill=(60, 110, 200) if acc >= 0.9 else (220, 120, 40))
        d.text((x1 + 6, y + 4), f"{acc:.3f} (n={n})", fill="black", font=font)
    img.save(path)


def recipe(rc: dict) -> str:
    """The training recipe in words, from the run's result.json config."""
    budget = (f"trained for a {rc['budget_minutes']:g}-minute budget (the one-cycle LR follows elapsed time; "
              f"{rc['epochs']} epochs, 6 recipes sharing one GPU), " if rc.get("budget_minutes") else "")
    return (f"{budget}SGD Nesterov 0.9, one-cycle LR max {rc.get('lr', 0.05)}, weight decay {rc.get('weight_decay', 5e-4)}, "
            f"batch {rc.get('batch', 128)}, label smoothing {rc.get('label_smoothing', 0.1)}, "
            f"{'bf16 autocast, ' if rc.get('amp') else ''}no EMA (EMA 0.999 collapsed to the majority class on val with 130 steps/epoch); "
            f"augmentation: {rc.get('augmentation', 'as emotion')}; the sweep ran on chips re-encoded for the GPU machine "
            "(tools/device/pack-utkface.py), this card evaluates the original zip")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--sweep", nargs="*", default=[])
    p.add_argument("--cpu-epoch-seconds", type=float, default=None)
    p.add_argument("--data", default=str(data_path("datasets", "utkface.zip")))
    p.add_argument("--out", default=str(ROOT / "weights"))
    a = p.parse_args()
    torch.set_num_threads(2)
    model, cfg = load_run(Path(a.run), len(GENDER_CLASSES), 64)
    color = cfg.in_channels == 3
    data = load_utkface(a.data, size=cfg.input_size, color=color)
    history, wall, best_epoch, device = parse_log(Path(a.log))
    rc = json.loads((Path(a.run) / "result.json").read_text())["config"] if (Path(a.run) / "result.json").exists() else {}
    extra = run_extra(Path(a.run))
    spec = spec_json("gender", cfg, GENDER_CLASSES, extra=extra)
    wild = None
    if extra.get("config", {}).get("celeb"):
        from celeb import load_celeb
        wild = {k: load_celeb("val", cfg.input_size, color, camera=cam)[:2] for k, cam in (("celeb_val", False), ("celeb_val_camera", True))}
    got = measure.gender(model, spec, data, wild, spec.get("decline"))
    splits, test, worst = got["splits"], got["splits"]["test"], got["worst_group"]
    worst = (worst["group"], worst["accuracy"], worst["n"])
    sweep = []
    for log in a.sweep:
        h, _, b, _ = parse_log(Path(log))
        sweep.append({"log": Path(log).name, "epochs": len(h), "best_epoch": b, "best_val_acc_flip": max(r["public_acc"] for r in h)})
    card = {
        "model": "gender", "labels": GENDER_CLASSES,
        "architecture": f"mini-Xception (Arriaga et al. 2017), width x{cfg.stem / 8:g}, {cfg.input_size}x{cfg.input_size} {'RGB' if color else 'grayscale'}",
        "stem": cfg.stem, "widths": list(cfg.widths), "params": int(sum(p.numel() for p in model.parameters())),
        "flops_per_face": count_flops(cfg),
        "dataset": {"name": "UTKFace (aligned & cropped chips, 100x100 copy)",
                    "citation": "Zhang, Song, Qi: Age Progression/Regression by Conditional Adversarial Autoencoder, CVPR 2017",
                    "licence": "UTKFace is available for non-commercial research purposes only; the copyright of the images belongs to their owners. These weights inherit that restriction.",
                    "split": "training/splits/utkface.csv: seeded (2017), stratified by gender x age band x race, 70/15/15",
                    "sizes": {s: int(len(data[s][1])) for s in data}},
        "protocol": ("fit on UTKFace train + celeb-gender train; recipe, checkpoint and decline thresholds chosen on UTKFace val, "
                     "celeb val and its camera-degraded copy (flip-averaged); UTKFace test evaluated once at the end"
                     if wild else "fit on train; recipe and checkpoint chosen on val (flip-averaged); test evaluated once at the end"),
        **({"extra_training_data": {"name": "celeb-gender-train.zip (16,000 adult faces in the wild, CelebA-derived sample of laxmimerit/male-female-face-dataset)",
                                    "licence": "no licence stated by its source; treated as non-commercial research only, like UTKFace"}} if wild else {}),
        "headline": {"split": "test", "accuracy": test["accuracy"], "target": 0.95, "target_met": test["accuracy"] >= 0.95},
        "worst_group": {"group": worst[0], "accuracy": worst[1], "n": worst[2]},
        "children": "ages 0-2 and 3-9: " + ", ".join(f"{b} {test['groups']['age'][b]['accuracy']:.3f} (n={test['groups']['age'][b]['n']})" for b in ("0-2", "3-9")) +
                    "; infants' faces carry little gender signal, so the app's answer for a child is close to a guess.",
        "splits": splits,
        **{k: got[k] for k in ("in_the_wild", "declining") if k in got},
        "training": {"epochs": len(history), "best_epoch": best_epoch, "wall_seconds": round(wall, 1),
                     "machine": "1x NVIDIA H200 (lent GPU machine), PyTorch 2.11", "device": device,
                     "cpu_2core_estimate_seconds": round(a.cpu_epoch_seconds * len(history)) if a.cpu_epoch_seconds else None,
                     "recipe": recipe(rc),
                     "reproduce": f"npm run train:gender (= python3 training/train.py --task gender --color --width {rc.get('width', 2):g} --ema 0 --epochs {len(history)}): "
                                  "the same one-cycle schedule by steps instead of by elapsed time, in fp32",
                     "history": history},
        "recipe_sweep": sweep,
        "recipe_sweep_names": "e0 = no EMA, c/g = RGB/grayscale, 64/96 = input size, w = width; s2- runs (equal 7-minute budgets): "
                              "a = auxiliary age-band and race heads (weight 0.3, dropped at export), l = lighter regularisation "
                              "(erasing p 0.2, label smoothing 0.05)",
        "crop": "trained on the whole UTKFace chip (eyes levelled and centred by UTKFace's alignment) resized to 64x64; the app cuts the same framing from the camera frame with the detector's eye landmarks (see src/vision crop policy)",
    }
    out = Path(a.out)
    (out / "gender.card.json").write_text(json.dumps(card, indent=1) + "\n")
    chart(test["groups"], test["accuracy"], out / "gender.groups.png")
    print(f"test {test['accuracy']:.4f} (no flip {test['no_flip_accuracy']:.4f}); val {splits['val']['accuracy']:.4f}; worst group {worst}")
    for k, d in test["groups"].items():
        print(k, {n: round(r["accuracy"], 3) for n, r in d.items()})


if __name__ == "__main__":
    main()
