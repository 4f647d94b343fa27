"""Export a trained mini-Xception for the browser.

    python3 training/export.py --run training/runs/emotion-w15 [--out weights] [--fixtures test/fixtures]

Writes <out>/<name>.safetensors (PyTorch state_dict names, OIHW, BN unfolded: the browser folds
it at load), <name>.json (architecture + preprocessing + classes), <name>.onnx (for the peers'
runtimes in the benchmarks) and, through golden.py, the golden vectors the tests compare with.
The model card is written by card.py from the same run.
"""
import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import torch

import golden
import safetensors_io
from data import CLASSES
from model import MiniXception, ModelConfig
from utkface import GENDER_CLASSES
from data_dir import data_path

TASKS = {  # name -> (classes, input size)
    "emotion": (CLASSES, 48),
    "gender": (GENDER_CLASSES, 64),
}

ROOT = Path(__file__).resolve().parent.parent


def config_from_state(state: dict, num_classes: int, input_size: int) -> ModelConfig:
    stem = state["stem.0.conv.weight"].shape[0]
    cin = state["stem.0.conv.weight"].shape[1]
    widths = []
    i = 0
    while f"blocks.{i}.sep1.pointwise.weight" in state:
        widths.append(state[f"blocks.{i}.sep1.pointwise.weight"].shape[0])
        i += 1
    return ModelConfig(in_channels=cin, num_classes=num_classes, input_size=input_size, stem=stem, widths=tuple(widths))


def load_run(run: Path, num_classes: int, input_size: int):
    """best.npz (floats of the EMA state_dict) -> eval-mode MiniXception. The run's result.json, when
    there, says the input size it was trained at; input_size is the default for runs without one."""
    if (run / "result.json").exists():
        result = json.loads((run / "result.json").read_text())
        input_size = result["config"].get("input_size", input_size)
        # a head with extra outputs (the gender model's age bands): as many logits as the layout says
        num_classes = max([num_classes] + [e for _, e in result.get("outputs", {}).values()])
    z = np.load(run / "best.npz")
    state = {k: torch.from_numpy(z[k]) for k in z.files}
    cfg = config_from_state(state, num_classes, input_size)
    model = MiniXception(cfg)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"{run}/best.npz does not match the model: missing {missing}, unexpected {unexpected}")
    return model.eval(), cfg


def spec_json(name: str, cfg: ModelConfig, classes, flip_tta=True, extra=None) -> dict:
    """extra: for a head with more outputs than classes, the run's "outputs", "output_labels" and
    "decline" (docs/ARCHITECTURE.md 'Extra outputs'); without it the JSON is what today's loader reads."""
    spec = {
        "name": name,
        "arch": "mini-xception",
        "input": {"size": cfg.input_size, "channels": cfg.in_channels, "scale": 2.0 / 255.0, "offset": -1.0},
        "stem": cfg.stem,
        "widths": list(cfg.widths),
        "classes": list(classes),
        "bn_eps": 1e-5,
        "flip_tta": flip_tta,
    }
    if extra and len(extra.get("outputs", {})) > 1:
        spec.update({k: extra[k] for k in ("outputs", "output_labels", "decline") if k in extra})
    return spec


def weights_digest(path: Path) -> dict:
    data = path.read_bytes()
    return {"file": path.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def run_extra(run: Path) -> dict:
    f = run / "result.json"
    return json.loads(f.read_text()) if f.exists() else {}


def export(model: MiniXception, cfg: ModelConfig, name: str, classes, out: Path, onnx=True, extra=None):
    out.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().float().numpy() for k, v in model.state_dict().items()
               if not k.endswith("num_batches_tracked")}
    safetensors_io.save(tensors, out / f"{name}.safetensors", metadata={"format": "pt", "model": name})
    back = safetensors_io.load(out / f"{name}.safetensors")
    assert back.keys() == tensors.keys() and all(np.array_equal(back[k], tensors[k]) for k in tensors)
    spec = spec_json(name, cfg, classes, extra=extra)
    # The app checks the file against this before using it (src/nn/integrity.ts).
    spec["weights"] = weights_digest(out / f"{name}.safetensors")
    (out / f"{name}.json").write_text(json.dumps(spec, indent=2) + "\n")
    if onnx:
        dummy = torch.zeros(1, cfg.in_channels, cfg.input_size, cfg.input_size)
        torch.onnx.export(model, dummy, str(out / f"{name}.onnx"), input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", help="training output folder holding best.npz")
    p.add_argument("--smoke", action="store_true",
                   help="CI: export the smoke run (/tmp/smoke) into .cache/smoke, where tools/check-export.mjs reads it back")
    p.add_argument("--name", default="emotion", choices=sorted(TASKS))
    p.add_argument("--out", default=str(ROOT / "weights"))
    p.add_argument("--fixtures", default=str(ROOT / "test/fixtures"))
    p.add_argument("--data", default=None, help="data set for the golden examples (default: the task's zip in $EMOLENS_DATA/datasets)")
    p.add_argument("--no-onnx", action="store_true")
    p.add_argument("--gender-only", action="store_true",
                   help="drop extra outputs (the age head): weights the app's loader of before 'outputs' reads")
    a = p.parse_args()
    if a.smoke:
        a.run, a.out, a.fixtures = a.run or "/tmp/smoke", str(ROOT / ".cache/smoke"), str(ROOT / ".cache/smoke")
    if not a.run:
        p.error("--run is required (or --smoke)")
    torch.set_num_threads(2)
    classes, size = TASKS[a.name]
    model, cfg = load_run(Path(a.run), len(classes), size)
    extra = run_extra(Path(a.run))
    if a.gender_only and len(extra.get("outputs", {})) > 1:  # today's app: the classes' logits only
        from train_utils import slice_head
        k = len(classes)
        groups = [(g, e - b) for g, (b, e) in sorted(extra["outputs"].items(), key=lambda kv: kv[1][0])]
        model = slice_head(model, groups, [groups[0][0]], torch.contiguous_format)
        cfg, extra = model.cfg, {}
        assert cfg.num_classes == k
    export(model, cfg, a.name, classes, Path(a.out), onnx=not a.no_onnx, extra=extra)
    from data_dir import dataset
    examples = (golden.fer_examples(a.data or dataset("fer2013.zip"), cfg.input_size) if a.name == "emotion"
                else golden.utkface_examples(a.data or dataset("utkface.zip"), cfg.input_size, cfg.in_channels == 3))
    golden.write_golden(model, cfg, a.name, Path(a.fixtures), examples, spec_json(a.name, cfg, classes, extra=extra))
    print(f"exported {a.name} ({cfg.stem}/{list(cfg.widths)}) to {a.out}; golden vectors in {a.fixtures}")


if __name__ == "__main__":
    main()
