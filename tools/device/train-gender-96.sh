#!/usr/bin/env bash
# Device-machine run (lent GPU), second gender sweep: larger input (96 vs 64), auxiliary age/race heads,
# width, lighter regularisation; every recipe gets the same wall-clock budget (--budget-min), run side by
# side. Data: .data/u96/utk96.zip (tools/device/pack-utkface.py); split: training/splits/utkface.csv.
set -u
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1
B=${BUDGET_MIN:-7}
D=.data/u96/utk96.zip
nvidia-smi --query-gpu=name --format=csv,noheader
python3 -c "from PIL import features; print('webp', features.check('webp'))"
python3 -c "import sys; sys.path.insert(0,'training'); import utkface; utkface.load_utkface('$D', 96, True)" &
python3 -c "import sys; sys.path.insert(0,'training'); import utkface; utkface.load_utkface('$D', 64, True)" &
wait
AMP=--amp
python3 training/train.py --task gender --data $D --color --input-size 96 --width 2 --ema 0 --aux 0.3 --limit 512 \
  --budget-min 0.15 --amp --out runs/smoke > "$OUT/smoke.log" 2>&1 || { AMP=; echo "bf16 smoke failed; fp32"; tail -5 "$OUT/smoke.log"; }
tail -1 "$OUT/smoke.log"
run() { name=$1; shift
  python3 training/train.py --task gender --data $D --color --ema 0 --threads 2 --budget-min "$B" $AMP --out "runs/$name" "$@" > "runs/$name.log" 2>&1
}
mkdir -p runs
run c96w2a  --input-size 96 --width 2 --aux 0.3 &
run c96w2   --input-size 96 --width 2 &
run c64w2a  --input-size 64 --width 2 --aux 0.3 &
run c64w2   --input-size 64 --width 2 &
run c96w3a  --input-size 96 --width 3 --aux 0.3 &
run c96w2al --input-size 96 --width 2 --aux 0.3 --erase 0.2 --label-smoothing 0.05 &
while [ -n "$(jobs -r)" ]; do sleep 30; for f in runs/*.log; do echo "$(basename $f): $(tail -n 1 "$f")"; done; done
wait
for f in runs/*.log; do echo "$(basename $f): $(tail -n 1 "$f")"; done
tar czf "$OUT/runs.tgz" runs/*.log runs/*/result.json runs/*/best.npz
