#!/usr/bin/env bash
# Lent GPU, call 1 of docs/training-plan.md: carry .data/pack-gender (UTKFace + celeb crops, WebP,
# ~40 MiB), check the machine's Python/torch, and decode the pack into .cache/ (kept on the machine
# for call 2, which carries the FER-2013 pack). About a minute.
set -u
cd "$(dirname "$0")/../.."
source tools/device/env.sh
"$PY" - <<'PY'
import sys, time
sys.path.insert(0, "training")
t = time.time()
from gender_data import load_gender
from data_dir import dataset
splits, val = load_gender(dataset("utkface.zip"), 64, True, celeb=True)
print({k: len(v[1]) for k, v in splits.items()}, {k: len(v[1]) for k, v in val.items()}, f"{time.time() - t:.0f}s")
PY
ls -la .cache/
