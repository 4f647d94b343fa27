"""Train mini-Xception with a clean protocol: emotion on FER-2013, gender on UTKFace (+ celeb crops).

    python3 training/train.py --task emotion --width 1.5 --epochs 60 --out training/runs/emotion
    python3 training/train.py --task gender --out training/runs/gender
    python3 training/train.py --task gender --celeb --age-head 0.3 --camera-aug 0.5 ...   # in the wild
    python3 training/train.py --ferplus 0.7 --balance sqrt --crop-jitter policy --teacher RUN --distill 0.5

Fit on the training split; pick the checkpoint (and any hyper-parameter) on validation data only
(FER-2013: PublicTest; gender: UTKFace 'val', plus celeb val and its camera copy with --celeb);
evaluate the test split (PrivateTest / 'test') once, at the end, with the chosen checkpoint. One
progress line per epoch. Defaults below are the recipe of the shipped weights (see weights/<task>.card.json).
"""
import argparse
import contextlib
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import augment
import camera_aug
import losses
from data import CLASSES, load_fer2013
from data_dir import dataset
from decline import AGE_HEAD_BANDS, CHILD_BANDS
from measure import metrics  # noqa: F401  (card.py and gender_card.py import it from here)
from model import MiniXception, ModelConfig, count_flops, normalise
from data_dir import data_path
from train_utils import EmaModel, FirstK, one_cycle, slice_head
from utkface import AGE_BANDS, GENDER_CLASSES, RACES

# --- defaults: the recipe of the shipped weights ---------------------------------------------
EPOCHS = 100
BATCH = 128
LR = 0.05  # SGD with Nesterov momentum, one-cycle: warm-up then cosine decay
WEIGHT_DECAY = 5e-4
LABEL_SMOOTHING = 0.1
WIDTH = 1.0  # channel multiplier over the paper's 8/16/32/64/128
EMA = 0.999  # EMA of the weights, evaluated instead of the raw weights (emotion; gender uses --ema 0, see its card)
SEED = 0


def pair(text):
    lo, hi = (float(v) for v in text.split(","))
    return lo, hi


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", choices=["emotion", "gender"], default="emotion")
    p.add_argument("--data", default=None, help="default: fer2013.zip or utkface.zip in the data folder ($EMOLENS_DATA/datasets)")
    p.add_argument("--input-size", type=int, default=None, help="default 48 (emotion) / 64 (gender)")
    p.add_argument("--color", action="store_true", help="RGB input instead of grayscale (gender only)")
    p.add_argument("--out", default="training/runs/emotion")
    p.add_argument("--epochs", type=int, default=EPOCHS)
    p.add_argument("--budget-min", type=float, default=0,
                   help="train for this many minutes instead of --epochs; the LR follows elapsed time (for sweeps on a lent GPU)")
    p.add_argument("--aux", type=float, default=0,
                   help="gender only: weight of auxiliary race (and, without --age-head, age-band) heads, dropped at export")
    p.add_argument("--erase", type=float, default=0.5, help="probability of random erasing")
    p.add_argument("--amp", action="store_true", help="bf16 autocast on CUDA (export stays fp32)")
    p.add_argument("--batch", type=int, default=BATCH)
    p.add_argument("--lr", type=float, default=LR)
    p.add_argument("--weight-decay", type=float, default=WEIGHT_DECAY)
    p.add_argument("--label-smoothing", type=float, default=LABEL_SMOOTHING)
    p.add_argument("--width", type=float, default=WIDTH)
    p.add_argument("--ema", type=float, default=EMA)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--limit", type=int, default=0, help="smoke run: use only this many images per split")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    g = p.add_argument_group("augmentation")
    g.add_argument("--crop-scale", type=pair, default=(0.85, 1.15), help="zoom range LO,HI (>1 = tighter crop)")
    g.add_argument("--celeb-crop-scale", type=pair, default=(0.8, 1.05), help="zoom range for the (tight) celeb crops")
    g.add_argument("--crop-jitter", choices=["uniform", "policy"], default="uniform",
                   help="policy: rotation/scale/shift spread of the app's crop policy (augment.POLICY_SPREAD) instead of uniform ranges")
    g.add_argument("--camera-aug", type=float, default=0, help="fraction of images given each camera degradation (camera_aug.py)")
    g = p.add_argument_group("gender in the wild")
    g.add_argument("--celeb", action="store_true", help="join celeb-gender-train.zip; choose on UTKFace val + celeb val + its camera copy")
    g.add_argument("--age-head", type=float, default=0,
                   help="weight of an age-band head kept at export (decline.AGE_HEAD_BANDS) so the app can decline children")
    g = p.add_argument_group("emotion")
    g.add_argument("--ferplus", type=float, default=0, help="mix FER+ vote shares into the Training targets with this weight (0..1)")
    g.add_argument("--ferplus-drop", action="store_true", help="drop Training rows whose FER+ votes are mostly unknown / not a face")
    g.add_argument("--balance", choices=["none", "sqrt", "inverse"], default="none", help="class weights of the loss")
    g.add_argument("--logit-adjust", type=float, default=0, help="tau of training-time logit adjustment by the class prior")
    g.add_argument("--teacher", default="", help="comma-separated run folders (best.npz) whose mean softened softmax is distilled")
    g.add_argument("--distill", type=float, default=0.5, help="weight of the distillation loss when --teacher")
    g.add_argument("--kd-temp", type=float, default=4.0, help="distillation temperature")
    return p.parse_args(argv)


MEMORY_FORMAT = torch.channels_last


def to_input(pixels_u8: torch.Tensor) -> torch.Tensor:
    """(N,S,S) or (N,S,S,3) uint8 -> (N,C,S,S) normalised, in MEMORY_FORMAT."""
    x = normalise(pixels_u8)
    x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2)
    return x.contiguous(memory_format=MEMORY_FORMAT)


def load_task(a):
    """-> (classes, {"train"|"val"|"test": (pixels, labels, names)}, split display names, validation sets)"""
    if a.task == "emotion":
        d = load_fer2013(a.data or dataset("fer2013.zip"))
        return CLASSES, {"train": d["Training"], "val": d["PublicTest"], "test": d["PrivateTest"]}, \
            {"val": "PublicTest", "test": "PrivateTest"}, None
    from gender_data import load_gender
    d, val_sets = load_gender(a.data, a.input_size, a.color, celeb=a.celeb, celeb_limit=a.limit, seed=a.seed)
    return GENDER_CLASSES, d, {"val": "val", "test": "test"}, val_sets


@torch.no_grad()
def predict(model, x_u8, device, flip, batch=512):
    """-> softmax probabilities (N, classes); flip=True averages with the mirrored face."""
    model.eval()
    out = []
    for i in range(0, len(x_u8), batch):
        x = to_input(torch.from_numpy(x_u8[i:i + batch]).to(device))
        p = F.softmax(model(x), 1)
        if flip:
            p = (p + F.softmax(model(torch.flip(x, dims=[3])), 1)) / 2
        out.append(p.float().cpu())
    return torch.cat(out).numpy()


def head_groups(a, k):
    """The head's output groups in order: [(name, size)]; the first is the classes."""
    groups = [("gender" if a.task == "gender" else "emotion", k)]
    if a.task == "gender" and a.age_head > 0:
        groups.append(("age_band", len(AGE_HEAD_BANDS)))
    if a.task == "gender" and a.aux > 0:
        if a.age_head <= 0:
            groups.append(("aux_age", len(AGE_BANDS)))
        groups.append(("race", len(RACES)))
    return groups


def validate(model, k, val_sets, xpub, ypub, dev):
    """-> (score the checkpoint is chosen by, the same without flip, extra text for the log line)."""
    evaluated = FirstK(model, k)
    if not val_sets or len(val_sets) == 1:
        return (metrics(predict(evaluated, xpub, dev, True), ypub)["accuracy"],
                metrics(predict(evaluated, xpub, dev, False), ypub)["accuracy"], "")
    scores, plain, text = [], [], []
    for name, (x, y) in val_sets.items():
        m, m0 = metrics(predict(evaluated, x, dev, True), y), metrics(predict(evaluated, x, dev, False), y)
        # UTKFace val: accuracy; the celeb sets: balanced accuracy (mean of female and male recall)
        score = m["accuracy"] if name == "utk_val" else float(np.mean(m["recall"]))
        scores.append(score)
        plain.append(m0["accuracy"] if name == "utk_val" else float(np.mean(m0["recall"])))
        text.append(f"{name} {score:.4f} (f {m['recall'][0]:.3f} m {m['recall'][1]:.3f})")
    return float(np.mean(scores)), float(np.mean(plain)), " | " + " ".join(text)


def main(argv=None):
    a = parse_args(argv)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    if a.input_size is None:
        a.input_size = 48 if a.task == "emotion" else 64
    global MEMORY_FORMAT
    if dev.type == "cpu" and a.input_size != 48:
        # Debian's PyTorch 1.13 CPU build corrupts the heap in a channels_last backward at 64x64
        # ("free(): invalid next size"); 48x48 is verified, other sizes use the default layout.
        MEMORY_FORMAT = torch.contiguous_format
    classes, data, shown, val_sets = load_task(a)
    if a.limit:
        rng = np.random.default_rng(a.seed)  # the files are sorted by class: sample, don't slice
        keep = {s: np.sort(rng.permutation(len(y))[:a.limit]) for s, (_, y, _) in data.items()}
        data = {s: (x[keep[s]], y[keep[s]], [n[i] for i in keep[s]]) for s, (x, y, n) in data.items()}
        if val_sets:
            val_sets["utk_val"] = data["val"][:2]
    k = len(classes)
    xtr, ytr, ntr = data["train"]
    targets = np.eye(k, dtype=np.float32)[ytr]
    if a.task == "emotion" and (a.ferplus > 0 or a.ferplus_drop):
        from ferplus import soft_targets
        targets, keep, used = soft_targets(ntr, ytr, a.ferplus, a.ferplus_drop)
        xtr, ytr, targets, ntr = xtr[keep], ytr[keep], targets[keep], [n for n, kp in zip(ntr, keep) if kp]
        print(f"FER+: soft targets (weight {a.ferplus}) on {used} Training rows; {int((~keep).sum())} rows dropped", flush=True)
    xpub, ypub, _ = data["val"]
    xtr_t, ytr_t, tgt_t = (torch.from_numpy(v).to(dev) for v in (xtr, ytr, targets))
    groups = head_groups(a, k)
    starts = np.cumsum([0] + [s for _, s in groups])
    at = {name: (int(starts[i]), int(starts[i + 1])) for i, (name, _) in enumerate(groups)}
    if a.task == "gender":
        from gender_data import per_image_labels
        lab = {n: torch.from_numpy(v).to(dev) for n, v in per_image_labels(ntr).items()}
        scale_lo = torch.tensor([a.crop_scale[0], a.celeb_crop_scale[0]], device=dev)[lab["source"]]
        scale_hi = torch.tensor([a.crop_scale[1], a.celeb_crop_scale[1]], device=dev)[lab["source"]]
    weights = losses.class_weights(ytr, k, a.balance).to(dev) if a.balance != "none" else None
    adjust = (a.logit_adjust * losses.log_prior(ytr, k)).to(dev) if a.logit_adjust else None
    teachers = []
    if a.teacher:
        from export import load_run
        teachers = [load_run(Path(t), k, a.input_size)[0].to(dev).to(memory_format=MEMORY_FORMAT).eval() for t in a.teacher.split(",")]

    cfg = ModelConfig(in_channels=3 if xtr.ndim == 4 else 1, num_classes=int(starts[-1]), input_size=a.input_size).scaled(a.width)
    model = MiniXception(cfg).to(dev).to(memory_format=MEMORY_FORMAT)
    ema = EmaModel(model, a.ema, MEMORY_FORMAT) if a.ema > 0 else None
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=a.weight_decay)
    steps_per_epoch = max(1, len(xtr) // a.batch)
    budget = a.budget_min * 60
    sched = None if budget else torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=a.lr, total_steps=a.epochs * steps_per_epoch, pct_start=0.15, div_factor=20, final_div_factor=200)
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if a.amp and dev.type == "cuda" else contextlib.nullcontext
    print(f"mini-Xception width {a.width}: {sum(p.numel() for p in model.parameters())} params, "
          f"{count_flops(cfg) / 1e6:.1f} MFLOP/face; {len(xtr)} train, {len(xpub)} {shown['val']}; device {dev}",
          flush=True)
    adult_cols = torch.tensor([i for i, b in enumerate(AGE_HEAD_BANDS) if b not in CHILD_BANDS], device=dev)

    best = {"acc": -1.0}
    history = []
    t0 = time.time()
    epoch, done = 0, False
    while not done:
        epoch += 1
        model.train()
        te = time.time()
        perm = torch.randperm(len(xtr), device=dev)
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            idx = perm[i * a.batch:(i + 1) * a.batch]
            x = to_input(xtr_t[idx])  # (B, C, S, S)
            if a.crop_jitter == "policy":
                x = augment.policy_affine(x, augment.POLICY_SPREAD[a.task])
            elif a.task == "gender" and a.celeb:  # a zoom range per source
                x = augment.random_affine(x, scale=(scale_lo[idx], scale_hi[idx]))
            else:
                x = augment.random_affine(x, scale=a.crop_scale)
            x = augment.photometric(x)
            if a.camera_aug:
                x = camera_aug.camera(x, a.camera_aug)
            x = augment.random_erase(x, p=a.erase).contiguous(memory_format=MEMORY_FORMAT)
            y = ytr_t[idx]
            if budget:
                progress = (time.time() - t0) / budget
                for g in opt.param_groups:
                    g["lr"] = one_cycle(min(progress, 1.0), a.lr)
            with autocast():
                out_all = model(x)
                logits = out_all[:, :k].float()
                loss = losses.soft_cross_entropy(logits, tgt_t[idx], a.label_smoothing, weights, y, adjust)
                if teachers:
                    kd = losses.distillation(logits, losses.teacher_probs(teachers, x, a.kd_temp), a.kd_temp)
                    loss = (1 - a.distill) * loss + a.distill * kd
                if "age_band" in at:
                    za = out_all[:, slice(*at["age_band"])].float()
                    ya, adult = lab["age_head"][idx], lab["adult"][idx]
                    known = ya >= 0
                    age_loss = F.cross_entropy(za[known], ya[known]) if known.any() else za.sum() * 0
                    unknown_adult = ~known & (adult == 1)  # celeb crops: adults of unknown age
                    if unknown_adult.any():
                        zu = za[unknown_adult]
                        age_loss = age_loss + (torch.logsumexp(zu, 1) - torch.logsumexp(zu[:, adult_cols], 1)).mean()
                    loss = loss + a.age_head * age_loss
                for name in ("aux_age", "race"):
                    if name in at:
                        ya = lab[name][idx]
                        if (ya >= 0).any():
                            loss = loss + a.aux * F.cross_entropy(out_all[:, slice(*at[name])].float(), ya, ignore_index=-100)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            if ema:
                ema.update(model)
            loss_sum += loss.detach().float() * len(y)  # stays on the device: no sync per step
            correct += (logits.argmax(1) == y).sum()
            seen += len(y)
            if budget and progress >= 1:
                break
        done = (progress >= 1) if budget else epoch >= a.epochs
        current = ema.model if ema else model
        pub, pub_noflip, extra = validate(current, k, val_sets, xpub, ypub, dev)
        row = {"epoch": epoch, "loss": float(loss_sum) / seen, "train_acc": int(correct) / seen,
               "val_acc": pub, "val_acc_noflip": pub_noflip, "lr": opt.param_groups[0]["lr"],
               "seconds": time.time() - te}
        history.append(row)
        tag = ""
        if pub > best["acc"]:
            best = {"acc": pub, "epoch": epoch}
            torch.save(current.state_dict(), out / "best.pt")
            tag = " *"
        print(f"epoch {epoch:3d}/{'~' if budget else a.epochs} loss {row['loss']:.4f} train {row['train_acc']:.4f} "
              f"val {pub:.4f} (no flip {pub_noflip:.4f}) lr {row['lr']:.4f} {row['seconds']:.1f}s{tag}{extra}",
              flush=True)
    wall = time.time() - t0
    finish(a, model, groups, at, k, classes, data, shown, val_sets, best, history, wall, dev, cfg)


def finish(a, model, groups, at, k, classes, data, shown, val_sets, best, history, wall, dev, cfg):
    """The test split, once, with the checkpoint validation chose; the export layout; the decline rule
    chosen on validation data; result.json and best.npz (what export.py reads)."""
    model.load_state_dict(torch.load(out_dir(a) / "best.pt", map_location=dev))
    kept = [g for g, _ in groups if g in ("emotion", "gender", "age_band")]
    model = slice_head(model, groups, kept, MEMORY_FORMAT)  # aux heads never ship
    cfg = model.cfg
    outputs = {g: list(at[g]) for g in kept}
    classes_only = FirstK(model, k)
    xprv, yprv, _ = data["test"]
    xpub, ypub, _ = data["val"]
    result = {
        "config": {"task": a.task, "classes": list(classes), "color": bool(a.color), "width": a.width, "stem": cfg.stem,
                   "widths": list(cfg.widths), "input_size": cfg.input_size,
                   "epochs": len(history), "budget_minutes": a.budget_min or None, "aux_weight": a.aux or None,
                   "amp": "bf16" if a.amp and dev.type == "cuda" else None, "batch": a.batch, "lr": a.lr, "weight_decay": a.weight_decay,
                   "label_smoothing": a.label_smoothing, "ema": a.ema, "seed": a.seed,
                   "optimizer": "SGD nesterov momentum 0.9, one-cycle LR",
                   "augmentation": (("crop-policy jitter (normal, p90s of docs/crop-policy.md: " + str(augment.POLICY_SPREAD[a.task]) + ")"
                                     if a.crop_jitter == "policy" else
                                     f"rotation ±15°, zoom {a.crop_scale[0]}-{a.crop_scale[1]}" + (f" (celeb {a.celeb_crop_scale[0]}-{a.celeb_crop_scale[1]})" if a.celeb else "") + ", shift ±10%")
                                    + f", h-flip, brightness/contrast ±25%, camera p={a.camera_aug}, random erasing p={a.erase}"),
                   "celeb": a.celeb, "age_head_weight": a.age_head or None, "ferplus": a.ferplus or None, "ferplus_drop": a.ferplus_drop,
                   "balance": a.balance, "logit_adjust": a.logit_adjust or None,
                   "teacher": a.teacher or None, "distill": a.distill if a.teacher else None, "kd_temp": a.kd_temp if a.teacher else None,
                   "limit": a.limit or None},
        "outputs": outputs,
        "best_epoch": best["epoch"],
        "wall_seconds": wall,
        "machine": {"device": str(dev), "name": torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor() or platform.machine(),
                    "threads": torch.get_num_threads(), "torch": torch.__version__},
        "flops_per_face": count_flops(cfg),
        "params": sum(p.numel() for p in model.parameters()),
        "splits": {},
        "history": history,
    }
    if "age_band" in outputs:
        result["output_labels"] = {"age_band": AGE_HEAD_BANDS}
        from decline import rule_from_validation
        spec = {"outputs": outputs, "output_labels": result["output_labels"]}
        result["decline"], result["decline_val"] = rule_from_validation(model, spec, data["val"], val_sets)
    for split, (x, y) in {shown["val"]: (xpub, ypub), shown["test"]: (xprv, yprv)}.items():
        result["splits"][split] = {"flip": metrics(predict(classes_only, x, dev, True), y),
                                   "no_flip": metrics(predict(classes_only, x, dev, False), y)}
    (out_dir(a) / "result.json").write_text(json.dumps(result, indent=1))
    np.savez(out_dir(a) / "best.npz", **{n: v.float().cpu().numpy() for n, v in model.state_dict().items()
                                         if v.dtype.is_floating_point})
    r = result["splits"]
    v, t = shown["val"], shown["test"]
    print(f"done in {wall / 60:.1f} min; best epoch {best['epoch']}; {v} {r[v]['flip']['accuracy']:.4f} "
          f"{t} {r[t]['flip']['accuracy']:.4f} (no flip {r[t]['no_flip']['accuracy']:.4f})"
          + (f"; decline rule {result['decline']}" if "decline" in result else ""), flush=True)


def out_dir(a):
    return Path(a.out)


if __name__ == "__main__":
    main()
