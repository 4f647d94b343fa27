"""The data folder, by the same rule as tools/data-dir.mjs: $EMOLENS_DATA, else ../shared beside the
repository. Data sets are read from there (or from a path given on the command line), never copied
into the project."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMOLENS_DATA") or ROOT.parent / "shared").resolve()


def data_path(*parts):
    """Path of a file in the data folder, e.g. data_path("datasets", "fer2013.zip"); it may not exist."""
    return DATA_DIR.joinpath(*parts)


def missing_data_message(path):
    """One line that names the missing file and the setting."""
    return f'missing {path}: set EMOLENS_DATA to the data folder (default ../shared; see README "Data folder") or give --data'


def require_file(path):
    """The path, or SystemExit with missing_data_message when it is not there."""
    path = Path(path)
    if not path.exists():
        raise SystemExit(missing_data_message(path))
    return path


def data_dir() -> Path:
    """The data folder (DATA_DIR), as a function for callers that ask late."""
    return DATA_DIR


def dataset(name: str) -> Path:
    """A file of the data folder's datasets/, e.g. dataset("fer2013.zip"); it may not exist."""
    return data_path("datasets", name)
