#!/usr/bin/env bash
# Device-machine run (lent GPU): trains several emotion recipes side by side and keeps every
# run's log, result and weights in $OUT. The CPU recipe is the same code: training/train.py.
set -u
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__)"
run() { name=$1; shift
  python3 training/train.py --data .data/fer2013.zip --threads 4 --out "runs/$name" "$@" > "$OUT/$name.log" 2>&1
  cp "runs/$name/result.json" "$OUT/$name.result.json" 2>/dev/null
  cp "runs/$name/best.npz" "$OUT/$name.npz" 2>/dev/null
}
python3 -c "import sys; sys.path.insert(0,'training'); import data; data.load_fer2013('.data/fer2013.zip')"
run w10 --width 1.0 --epochs 100 &
run w15 --width 1.5 --epochs 60 &
run w125 --width 1.25 --epochs 80 &
while [ -n "$(jobs -r)" ]; do sleep 30; for f in "$OUT"/*.log; do echo "$f: $(tail -n 1 "$f")"; done; done
wait
