#!/usr/bin/env bash
# Device-machine run (lent GPU): gender recipes side by side on UTKFace chips pre-resized to 64x64
# (.data/utk64.zip, made from $EMOLENS_DATA/datasets/utkface.zip; the split file is training/splits/utkface.csv).
set -u
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name --format=csv,noheader
run() { name=$1; shift
  python3 training/train.py --task gender --data .data/utk64.zip --threads 4 --out "runs/$name" "$@" > "$OUT/$name.log" 2>&1
  cp "runs/$name/best.npz" "$OUT/$name.npz" 2>/dev/null
}
python3 -c "import sys; sys.path.insert(0,'training'); import utkface; utkface.load_utkface('.data/utk64.zip', 64, True); utkface.load_utkface('.data/utk64.zip', 64, False)"
run g64w10 --epochs 40 --width 1.0 &
run c64w10 --epochs 40 --width 1.0 --color &
run c64w15 --epochs 40 --width 1.5 --color &
run c64w20 --epochs 40 --width 2.0 --color &
while [ -n "$(jobs -r)" ]; do sleep 20; for f in "$OUT"/*.log; do echo "$(basename $f): $(tail -n 1 "$f")"; done; done
wait
