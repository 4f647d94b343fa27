# Sourced by the tools/device/*.sh scripts: the data folder made of the packs this machine holds
# (tools/device/pack-data.py), and a Python with CUDA torch, checked before any time is spent.
# ALLOW_CPU=1 accepts a CPU-only torch (to test the scripts themselves; with no packs, the data folder is used).
export PYTHONUNBUFFERED=1
mkdir -p runs
if [ -d .data/pack-gender/datasets ] || [ -d .data/pack-fer/datasets ]; then
  mkdir -p .data/data/datasets
  for p in .data/pack-gender .data/pack-fer; do
    [ -d "$p/datasets" ] && ln -sf "$PWD/$p/datasets/"* .data/data/datasets/
  done
  export EMOLENS_DATA="$PWD/.data/data"
fi
CHECK="import torch, numpy, PIL; assert torch.cuda.is_available() or '${ALLOW_CPU:-0}' == '1'"
PY=""
for c in python3 /usr/bin/python3; do
  if "$c" -c "$CHECK" 2>/dev/null; then PY=$c; break; fi
done
if [ -z "$PY" ]; then
  echo "no Python with CUDA torch, numpy and PIL here: stop (nothing trained)"; python3 -c "import torch; print(torch.__version__, torch.cuda.is_available())"; exit 3
fi
"$PY" -c "import torch, PIL; from PIL import features; print('python', torch.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu', 'PIL', PIL.__version__, 'webp', features.check('webp'))"
nproc
ls -l "${EMOLENS_DATA:-../shared}/datasets/"
