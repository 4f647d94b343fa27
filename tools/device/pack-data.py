"""Pack the data folder for a lent GPU machine, whose calls carry at most 64 MiB (working tree
included): the same layout as the data folder (<out>/datasets/<file>, so EMOLENS_DATA=<out> finds
it), every image re-encoded small as WebP under its original name (labels, splits and the FER+ votes
key on the names; PIL reads the format from the bytes).

    /usr/bin/python3 tools/device/pack-data.py gender --out .data/pack-gender   # UTKFace + celeb, ~44 MiB
    /usr/bin/python3 tools/device/pack-data.py emotion --out .data/pack-fer      # FER-2013 + FER+ votes, ~33 MiB

Gender images are stored at 64x64 (UTKFace chips resized, celeb crops cut to their centre square as
training/celeb.py does), FER-2013 at its 48x48. Only for training sweeps: cards and `npm run eval`
always use the original files.
"""
import argparse
import io
import shutil
import sys
import zipfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "training"))
from celeb import centre_square  # noqa: E402
from data_dir import dataset  # noqa: E402

FILES = {"gender": ["utkface.zip", "celeb-gender-train.zip", "celeb-gender-val.zip"],
         "emotion": ["fer2013.zip"]}


def repack(src: Path, dst: Path, size, mode, quality, centre):
    n = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for name in zin.namelist():
            if not name.lower().endswith((".jpg", ".jpeg", ".png")):
                continue
            img = Image.open(io.BytesIO(zin.read(name))).convert(mode)
            if centre:
                img = centre_square(img)
            if img.size != (size, size):
                img = img.resize((size, size), Image.BILINEAR)
            buf = io.BytesIO()
            img.save(buf, "WEBP", quality=quality)
            zout.writestr(name, buf.getvalue())
            n += 1
    return n


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=sorted(FILES))
    p.add_argument("--out", required=True)
    p.add_argument("--quality", type=int, default=None, help="WebP quality (default 85 gender, 90 emotion)")
    a = p.parse_args()
    out = Path(a.out) / "datasets"
    out.mkdir(parents=True, exist_ok=True)
    q = a.quality or (85 if a.what == "gender" else 90)
    for f in FILES[a.what]:
        src = dataset(f)
        if not src.exists():
            raise SystemExit(f"missing {src}: set EMOLENS_DATA to the data folder (default ../shared)")
        size, mode = (48, "L") if f.startswith("fer") else (64, "RGB")
        n = repack(src, out / f, size, mode, q, centre=f.startswith("celeb"))
        print(f"{out / f}: {n} images, {(out / f).stat().st_size / 2**20:.1f} MiB", flush=True)
    if a.what == "emotion":
        shutil.copy(dataset("fer2013-ferplus-votes.csv"), out / "fer2013-ferplus-votes.csv")
    total = sum(f.stat().st_size for f in out.iterdir())
    print(f"{out}: {total / 2**20:.1f} MiB in all (a device call carries at most 64 MiB, the working tree included)")


if __name__ == "__main__":
    main()
