#!/usr/bin/env bash
# Lent GPU (1x H200, 16 cores), call 2 of docs/training-plan.md: carry .data/pack-fer (call 1 left
# .data/pack-gender and its decoded .cache/ on the machine). Runs, side by side on the one GPU,
#   gender: four in-the-wild recipes (UTKFace + celeb, age head, camera augmentation) for GENDER_MIN;
#   emotion: two wide teachers (FER+ soft labels, class balance, crop-policy jitter) for TEACHER_MIN,
#            then four students (<= 2x today's FLOPs) distilled from their ensemble for STUDENT_MIN;
# and brings back every log, result.json and best.npz in $OUT/runs.tgz. Choosing happens on
# validation data only (PublicTest; UTKFace val + celeb val + its camera copy), never on a test split.
#   BUDGET: TEACHER_MIN + STUDENT_MIN + ~1 min of start-up must stay under the call's 10 minutes.
set -u
cd "$(dirname "$0")/../.."
source tools/device/env.sh
T=${TEACHER_MIN:-3}
S=${STUDENT_MIN:-4}
G=${GENDER_MIN:-$(awk "BEGIN{print $T + $S}")}
SMOKE=${SMOKE:-0}  # SMOKE=1: every run a few seconds on a few images, to test this script itself
LIM=""; if [ "$SMOKE" = 1 ]; then T=0.1; S=0.1; G=0.2; LIM="--limit 256"; fi
"$PY" -c "import sys; sys.path.insert(0,'training'); import data; from data_dir import dataset; data.load_fer2013(dataset('fer2013.zip'))"
AMP=--amp
"$PY" training/train.py --task gender --color --width 1 --ema 0 --celeb --age-head 0.3 --limit 256 --budget-min 0.05 \
  $AMP --out runs/smoke-amp > runs/smoke-amp.log 2>&1 || { AMP=; echo "bf16 smoke failed: fp32"; tail -n 5 runs/smoke-amp.log; }
tail -n 1 runs/smoke-amp.log
run() { name=$1; shift
  "$PY" training/train.py --threads 2 $AMP $LIM --out "runs/$name" "$@" > "runs/$name.log" 2>&1
}
GEN="--task gender --color --ema 0 --celeb --age-head 0.3 --budget-min $G"
run g-w2-cam5   $GEN --width 2 --camera-aug 0.5 --crop-scale 0.9,1.35 &
run g-w2-cam5r  $GEN --width 2 --camera-aug 0.5 --crop-scale 0.9,1.35 --aux 0.3 &
run g-w2-cam3   $GEN --width 2 --camera-aug 0.3 --crop-scale 0.85,1.25 &
run g-w25-cam5  $GEN --width 2.5 --camera-aug 0.5 --crop-scale 0.9,1.35 &
EMO="--task emotion --ferplus 0.7 --ferplus-drop --crop-jitter policy"
run e-t1 $EMO --width 3 --balance sqrt --budget-min "$T" --seed 1 &
run e-t2 $EMO --width 3 --balance sqrt --budget-min "$T" --seed 2 --erase 0.3 &
wait %5 %6
TEACH=runs/e-t1,runs/e-t2
run e-s20-kd   $EMO --width 2   --balance sqrt --teacher $TEACH --distill 0.5 --budget-min "$S" &
run e-s15-kd   $EMO --width 1.5 --balance sqrt --teacher $TEACH --distill 0.5 --budget-min "$S" &
run e-s20-kdla $EMO --width 2   --logit-adjust 1 --teacher $TEACH --distill 0.7 --budget-min "$S" &
run e-s20      $EMO --width 2   --balance sqrt --budget-min "$S" &
while [ -n "$(jobs -r)" ]; do sleep 30; for f in runs/*.log; do echo "$(basename "$f"): $(tail -n 1 "$f" | cut -c1-160)"; done; done
wait
echo "== results (val = PublicTest or the gender validation mean; choose on it only)"
for f in runs/*.log; do echo "$(basename "$f"): $(grep '^done' "$f" | cut -c1-300)"; done
tar czf "$OUT/runs.tgz" runs/*.log runs/*/result.json runs/*/best.npz
ls -la "$OUT"
