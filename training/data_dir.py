"""Where the data folder is (FER-2013, UTKFace, celeb gender crops, media): $EMOLENS_DATA, else
../shared beside the repository, as tools/data-dir.mjs decides for the Node tools. The one place
new training code asks; nothing from it is ever copied into the repository."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("EMOLENS_DATA") or REPO.parent / "shared").resolve()


def dataset(name: str) -> Path:
    """A file of the data folder's datasets/, e.g. dataset("fer2013.zip"); it may not exist."""
    return data_dir() / "datasets" / name
