# Sourced by the tools/device/*.sh scripts: the data folder made of the packs this machine holds
# (tools/device/pack-data.py), and a Python with CUDA torch, checked before any time is spent.
export PYTHONUNBUFFERED=1
mkdir -p .data/data/datasets runs
for p in .data/pack-gender .data/pack-fer; do
  [ -d "$p/datasets" ] && ln -sf "$PWD/$p/datasets/"* .data/data/datasets/
done
export EMOLENS_DATA="$PWD/.data/data"
PY=""
for c in python3 /usr/bin/python3; do
  if "$c" -c "import torch, numpy, PIL; assert torch.cuda.is_available()" 2>/dev/null; then PY=$c; break; fi
done
if [ -z "$PY" ]; then
  echo "no Python with CUDA torch, numpy and PIL here: stop (nothing trained)"; python3 -c "import torch; print(torch.__version__, torch.cuda.is_available())"; exit 3
fi
"$PY" -c "import torch, PIL; from PIL import features; print('python', torch.__version__, torch.cuda.get_device_name(0), 'PIL', PIL.__version__, 'webp', features.check('webp'))"
nproc
ls -l .data/data/datasets/
