"""Load a fact base: from the cache when nothing changed, else read, validate and cache it.

The jobs live in their own modules: ``paths`` (where the base is, and reading its files),
``yamlread`` (reading YAML safely), ``validate`` (checking every record) and ``cache``; this
module ties them together and keeps the names the package has always exported.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..errors import FactBaseError
from ..model import FactBase, mentions_index
from .paths import DATA_ENV, resolve_data_dir, shipped_data_dir, source_file, stamp_of

if TYPE_CHECKING:
    from .validate import check_date, count_records, validate

_FROM_VALIDATE = ("check_date", "count_records", "validate")


def __getattr__(name: str) -> Any:
    """Import the validator on first use: a query answered from the cache never needs it (~6 ms)."""
    if name not in _FROM_VALIDATE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    # Not `from . import validate`: the package's own __getattr__ would answer with this module's.
    value = getattr(importlib.import_module(".validate", __package__), name)
    globals()[name] = value
    return value


__all__ = [
    "DATA_ENV",
    "SHOWN_PROBLEMS",
    "check_date",
    "count_records",
    "load_fact_base",
    "resolve_data_dir",
    "shipped_data_dir",
    "source_file",
    "validate",
]

# A command other than `validate` shows this many problems of an invalid base, then how many more.
SHOWN_PROBLEMS = 10


def _before_caching() -> None:
    """Run between validating a base and caching it (a test edits a file here, as a race would)."""


def load_fact_base(data_dir: str | os.PathLike[str] | None = None, *, cache: bool = True) -> FactBase:
    """Return the validated fact base, from the cache when no file has changed since.

    An invalid base raises FactBaseError with every problem; it shows the first SHOWN_PROBLEMS.
    """
    from . import cache as caching

    path = resolve_data_dir(data_dir)
    folder = caching.cache_folder() if cache and not os.environ.get("IRANAZ_NO_CACHE") else None
    if folder is not None:
        base = caching.read_base(folder, path)
        if base is not None:
            return base
    files = caching.FileCache(folder) if folder is not None else None
    try:
        base, stamps = globals().get("validate", __getattr__("validate"))(path, cache=files)
    except FactBaseError as e:
        if files is not None:
            files.write()  # the files that were valid on their own are kept for the next run
        raise FactBaseError(e.problems, limit=SHOWN_PROBLEMS, more=_validate_hint(path)) from None
    from .nameindex import build_index

    index = files.name_index() if files is not None else None
    base.name_index = index if index is not None else build_index(base.people)
    base.mentions = mentions_index(base)
    base.person_index = {p.id: i for i, p in enumerate(base.people)}
    base.source_index = {s.id: i for i, s in enumerate(base.sources)}
    if folder is not None and files is not None:
        files.keep_name_index(base.name_index)
        files.write()
        _before_caching()
        if _unchanged(stamps):  # else a file was edited while it was validated: the next run reads it
            caching.write_base(folder, path, stamps, base)
    return base


def _unchanged(stamps: list) -> bool:
    """Whether every file still has the stamp it had before it was read."""
    try:
        return all(stamp_of(s[0])[:5] == tuple(s[:5]) for s in stamps)
    except OSError:
        return False


def _validate_hint(path) -> str:
    """Say how to list every problem of the base at ``path``."""
    import shlex

    try:
        default = resolve_data_dir(None)
    except FactBaseError:
        default = None
    return "run iranaz validate" + ("" if path == default else f" {shlex.quote(str(path))}")
