"""Where a fact base is: the folder named by the user, $IRANAZ_DATA, or the shipped one."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import FactBaseError

DATA_ENV = "IRANAZ_DATA"


def shipped_data_dir() -> Path:
    """Return the fact base shipped with iranaz (inside the installed package, or the checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder to read: the argument, else $IRANAZ_DATA, else the shipped base."""
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return shipped_data_dir()
    path = Path(chosen)
    if not path.exists():
        raise FactBaseError([f"{path}: no such folder (fact base)"])
    if not path.is_dir():
        raise FactBaseError([f"{path}: not a folder; the fact base is a folder of YAML files"])
    if not os.access(path, os.R_OK | os.X_OK):
        raise FactBaseError([f"{path}: folder cannot be read (permission denied)"])
    return path


def source_file(data_dir: Path, relative: str) -> Path:
    """Return where a source's ``path`` points: relative to the folder that holds ``data/``."""
    return data_dir.parent / relative
