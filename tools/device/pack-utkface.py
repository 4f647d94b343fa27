"""Pack UTKFace for a lent GPU machine: the shared zip (87.5 MB of 100x100 JPEG) is over the 64 MiB a
device call can carry, so re-encode each chip, resized, as WebP inside a zip with the file names kept
(the split file and the label parser key on them; PIL reads the format from the bytes, not the name).

    /usr/bin/python3 tools/device/pack-utkface.py --size 96 --quality 90 --out .data/u96/utk96.zip

Only for sweeps: model cards are always computed from the original zip.
"""
import argparse
import io
import sys
import zipfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "training"))
from data_dir import data_path  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--src", default=str(data_path("datasets", "utkface.zip")))
p.add_argument("--size", type=int, default=96)
p.add_argument("--quality", type=int, default=90)
p.add_argument("--out", required=True)
a = p.parse_args()
Path(a.out).parent.mkdir(parents=True, exist_ok=True)
src = zipfile.ZipFile(a.src)
with zipfile.ZipFile(a.out, "w", zipfile.ZIP_STORED) as dst:
    for n in src.namelist():
        if not n.lower().endswith(".jpg"):
            continue
        img = Image.open(io.BytesIO(src.read(n))).convert("RGB").resize((a.size, a.size), Image.BILINEAR)
        buf = io.BytesIO()
        img.save(buf, "WEBP", quality=a.quality)
        dst.writestr(n, buf.getvalue())
print(a.out, Path(a.out).stat().st_size / 1e6, "MB")
