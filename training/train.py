"""Train mini-Xception with a clean protocol: emotion on FER-2013, gender on UTKFace.

    python3 training/train.py --task emotion --width 1.5 --epochs 60 --out training/runs/emotion
    python3 training/train.py --task gender --out training/runs/gender

Fit on the training split; pick the checkpoint (and any hyper-parameter) on the validation split
only (FER-2013: PublicTest; UTKFace: our fixed 'val'); evaluate the test split (PrivateTest /
'test') once, at the end, with the chosen checkpoint. One progress line per epoch.
Defaults below are the recipe of the shipped weights (see weights/<task>.card.json).
"""
import argparse
import contextlib
import json
import math
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import augment
from data import CLASSES, load_fer2013
from utkface import AGE_BANDS, GENDER_CLASSES, RACES, age_band, load_utkface, parse_name
from model import MiniXception, ModelConfig, count_flops, normalise
from data_dir import data_path

# --- defaults: the recipe of the shipped weights ---------------------------------------------
EPOCHS = 100
BATCH = 128
LR = 0.05  # SGD with Nesterov momentum, one-cycle: warm-up then cosine decay
WEIGHT_DECAY = 5e-4
LABEL_SMOOTHING = 0.1
WIDTH = 1.0  # channel multiplier over the paper's 8/16/32/64/128
EMA = 0.999  # EMA of the weights, evaluated instead of the raw weights (emotion; gender uses --ema 0, see its card)
SEED = 0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", choices=["emotion", "gender"], default="emotion")
    p.add_argument("--data", default=None, help="default: $EMOLENS_DATA/datasets/fer2013.zip or utkface.zip (EMOLENS_DATA default ../shared)")
    p.add_argument("--input-size", type=int, default=None, help="default 48 (emotion) / 64 (gender)")
    p.add_argument("--color", action="store_true", help="RGB input instead of grayscale (gender only)")
    p.add_argument("--out", default="training/runs/emotion")
    p.add_argument("--epochs", type=int, default=EPOCHS)
    p.add_argument("--budget-min", type=float, default=0,
                   help="train for this many minutes instead of --epochs; the LR follows elapsed time (for sweeps on a lent GPU)")
    p.add_argument("--aux", type=float, default=0,
                   help="gender only: weight of auxiliary age-band and race heads (extra head channels, dropped at export)")
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
    return p.parse_args()


MEMORY_FORMAT = torch.channels_last


def to_input(pixels_u8: torch.Tensor) -> torch.Tensor:
    """(N,S,S) or (N,S,S,3) uint8 -> (N,C,S,S) normalised, in MEMORY_FORMAT."""
    x = normalise(pixels_u8)
    x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2)
    return x.contiguous(memory_format=MEMORY_FORMAT)


def load_task(a):
    """-> (classes, {"train"|"val"|"test": (pixels, labels, names)}, split display names)"""
    shared = data_path("datasets")
    if a.task == "emotion":
        d = load_fer2013(a.data or shared / "fer2013.zip")
        return CLASSES, {"train": d["Training"], "val": d["PublicTest"], "test": d["PrivateTest"]}, \
            {"val": "PublicTest", "test": "PrivateTest"}
    d = load_utkface(a.data or shared / "utkface.zip", size=a.input_size, color=a.color)
    return GENDER_CLASSES, d, {"val": "val", "test": "test"}


class FirstK(torch.nn.Module):
    """The first k logits of a model whose head also carries auxiliary outputs."""

    def __init__(self, model, k):
        super().__init__()
        self.model, self.k = model, k

    def forward(self, x):
        return self.model(x)[:, :self.k]


def aux_labels(names):
    """UTKFace file names -> (age band index, race index or -100 where unknown) for the aux heads."""
    meta = [parse_name(n) for n in names]
    age = np.array([AGE_BANDS.index(age_band(m[0])) for m in meta], dtype=np.int64)
    race = np.array([RACES.index(m[2]) if m[2] in RACES else -100 for m in meta], dtype=np.int64)
    return age, race


def one_cycle(p, max_lr, pct_start=0.15, div_factor=20, final_div_factor=200):
    """OneCycleLR's cosine shape as a function of progress p in [0, 1] (used with --budget-min)."""
    lo, hi = max_lr / div_factor, max_lr
    if p < pct_start:
        return lo + (hi - lo) * (1 - math.cos(math.pi * p / pct_start)) / 2
    end = lo / final_div_factor
    q = min(1.0, (p - pct_start) / (1 - pct_start))
    return end + (hi - end) * (1 + math.cos(math.pi * q)) / 2


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


class EmaModel:
    """Shadow copy whose floats follow the trained weights; BN running stats are copied as-is."""

    def __init__(self, model, decay):
        self.decay = decay
        self.model = MiniXception(model.cfg).to(next(model.parameters()).device)
        self.model = self.model.to(memory_format=MEMORY_FORMAT)
        self.model.load_state_dict(model.state_dict())

    @torch.no_grad()
    def update(self, model):
        pairs = list(zip(self.model.state_dict().values(), model.state_dict().values()))
        floats = [(e, m) for e, m in pairs if e.dtype.is_floating_point]
        torch._foreach_mul_([e for e, _ in floats], self.decay)
        torch._foreach_add_([e for e, _ in floats], [m for _, m in floats], alpha=1 - self.decay)
        for e, m in pairs:
            if not e.dtype.is_floating_point:
                e.copy_(m)


def main():
    a = parse_args()
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
    classes, data, shown = load_task(a)
    if a.limit:
        rng = np.random.default_rng(a.seed)  # the files are sorted by class: sample, don't slice
        keep = {s: np.sort(rng.permutation(len(y))[:a.limit]) for s, (_, y, _) in data.items()}
        data = {s: (x[keep[s]], y[keep[s]], [n[i] for i in keep[s]]) for s, (x, y, n) in data.items()}
    xtr, ytr, ntr = data["train"]
    xpub, ypub, _ = data["val"]
    xtr_t = torch.from_numpy(xtr).to(dev)
    ytr_t = torch.from_numpy(ytr).to(dev)
    k = len(classes)
    aux = a.aux > 0 and a.task == "gender"
    if aux:  # age band and race logits ride along as extra head channels: [gender | age band | race]
        age_t, race_t = (torch.from_numpy(v).to(dev) for v in aux_labels(ntr))

    cfg = ModelConfig(in_channels=3 if xtr.ndim == 4 else 1, num_classes=k + (len(AGE_BANDS) + len(RACES) if aux else 0),
                      input_size=a.input_size).scaled(a.width)
    model = MiniXception(cfg).to(dev).to(memory_format=MEMORY_FORMAT)
    ema = EmaModel(model, a.ema) if a.ema > 0 else None
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=a.weight_decay)
    steps_per_epoch = max(1, len(xtr) // a.batch)
    budget = a.budget_min * 60
    sched = None if budget else torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=a.lr, total_steps=a.epochs * steps_per_epoch, pct_start=0.15, div_factor=20, final_div_factor=200)
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if a.amp and dev.type == "cuda" else contextlib.nullcontext
    print(f"mini-Xception width {a.width}: {sum(p.numel() for p in model.parameters())} params, "
          f"{count_flops(cfg) / 1e6:.1f} MFLOP/face; {len(xtr)} train, {len(xpub)} {shown['val']}; device {dev}",
          flush=True)

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
            x = augment.random_erase(augment.photometric(augment.random_affine(x)), p=a.erase)
            x = x.contiguous(memory_format=MEMORY_FORMAT)
            y = ytr_t[idx]
            if budget:
                progress = (time.time() - t0) / budget
                for g in opt.param_groups:
                    g["lr"] = one_cycle(min(progress, 1.0), a.lr)
            with autocast():
                out_all = model(x)
                logits = out_all[:, :k].float()
                loss = F.cross_entropy(logits, y, label_smoothing=a.label_smoothing)
                if aux:
                    na = len(AGE_BANDS)
                    loss = loss + a.aux * (F.cross_entropy(out_all[:, k:k + na].float(), age_t[idx]) +
                                           F.cross_entropy(out_all[:, k + na:].float(), race_t[idx]))
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
        evaluated = FirstK(ema.model if ema else model, k)
        pub = metrics(predict(evaluated, xpub, dev, flip=True), ypub)["accuracy"]
        pub_noflip = metrics(predict(evaluated, xpub, dev, flip=False), ypub)["accuracy"]
        row = {"epoch": epoch, "loss": float(loss_sum) / seen, "train_acc": int(correct) / seen,
               "val_acc": pub, "val_acc_noflip": pub_noflip, "lr": opt.param_groups[0]["lr"],
               "seconds": time.time() - te}
        history.append(row)
        tag = ""
        if pub > best["acc"]:
            best = {"acc": pub, "epoch": epoch}
            torch.save(evaluated.model.state_dict(), out / "best.pt")
            tag = " *"
        print(f"epoch {epoch:3d}/{'~' if budget else a.epochs} loss {row['loss']:.4f} train {row['train_acc']:.4f} "
              f"val {pub:.4f} (no flip {pub_noflip:.4f}) lr {row['lr']:.4f} {row['seconds']:.1f}s{tag}",
              flush=True)
    wall = time.time() - t0

    # The test split, once, with the checkpoint the validation split chose.
    model.load_state_dict(torch.load(out / "best.pt", map_location=dev))
    if aux:  # keep the gender channels of the head only: the exported model is a plain 2-class mini-Xception
        full = model
        cfg = ModelConfig(cfg.in_channels, k, cfg.input_size, cfg.stem, cfg.widths)
        model = MiniXception(cfg).to(dev).to(memory_format=MEMORY_FORMAT)
        state = full.state_dict()
        state["head.weight"], state["head.bias"] = state["head.weight"][:k], state["head.bias"][:k]
        model.load_state_dict(state)
    xprv, yprv, _ = data["test"]
    result = {
        "config": {"task": a.task, "classes": list(classes), "color": bool(a.color), "width": a.width, "stem": cfg.stem, "widths": list(cfg.widths), "input_size": cfg.input_size,
                   "epochs": epoch, "budget_minutes": a.budget_min or None, "aux_weight": a.aux if aux else None,
                   "amp": "bf16" if a.amp and dev.type == "cuda" else None, "batch": a.batch, "lr": a.lr, "weight_decay": a.weight_decay,
                   "label_smoothing": a.label_smoothing, "ema": a.ema, "seed": a.seed,
                   "optimizer": "SGD nesterov momentum 0.9, one-cycle LR",
                   "augmentation": "rotation ±15°, zoom 0.85-1.15, shift ±10%, h-flip, brightness/contrast ±25%, random erasing p=" + str(a.erase)},
        "best_epoch": best["epoch"],
        "wall_seconds": wall,
        "machine": {"device": str(dev), "name": torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor() or platform.machine(),
                    "threads": torch.get_num_threads(), "torch": torch.__version__},
        "flops_per_face": count_flops(cfg),
        "params": sum(p.numel() for p in model.parameters()),
        "splits": {},
        "history": history,
    }
    for split, (x, y) in {shown["val"]: (xpub, ypub), shown["test"]: (xprv, yprv)}.items():
        result["splits"][split] = {"flip": metrics(predict(model, x, dev, True), y),
                                   "no_flip": metrics(predict(model, x, dev, False), y)}
    (out / "result.json").write_text(json.dumps(result, indent=1))
    np.savez(out / "best.npz", **{k: v.float().cpu().numpy() for k, v in model.state_dict().items()
                                  if v.dtype.is_floating_point})
    r = result["splits"]
    v, t = shown["val"], shown["test"]
    print(f"done in {wall / 60:.1f} min; best epoch {best['epoch']}; {v} {r[v]['flip']['accuracy']:.4f} "
          f"{t} {r[t]['flip']['accuracy']:.4f} (no flip {r[t]['no_flip']['accuracy']:.4f})", flush=True)


if __name__ == "__main__":
    main()
