"""Load a fact base: from the cache when nothing changed, else read, validate and cache it.

The jobs live in their own modules: ``paths`` (where the base is), ``yamlread`` (reading YAML
safely), ``validate`` (checking every record) and ``cache``; this module ties them together and
keeps the names the package has always exported.
"""

from __future__ import annotations

import os

from .cache import _cache_file, _read_cache, _write_cache
from .model import FactBase, mentions_index
from .paths import DATA_ENV, resolve_data_dir, shipped_data_dir, source_file
from .validate import check_date, count_records, validate

__all__ = [
    "DATA_ENV",
    "check_date",
    "count_records",
    "load_fact_base",
    "resolve_data_dir",
    "shipped_data_dir",
    "source_file",
    "validate",
]


def load_fact_base(data_dir: str | os.PathLike[str] | None = None, *, cache: bool = True) -> FactBase:
    """Return the validated fact base, from the cache when no file has changed since."""
    path = resolve_data_dir(data_dir)
    use_cache = cache and not os.environ.get("IRANAZ_NO_CACHE")
    cache_path = _cache_file(path) if use_cache else None
    if cache_path is not None:
        base = _read_cache(cache_path)
        if base is not None:
            return base
    from .names import build_index

    base, deps = validate(path)
    base.name_index = build_index(base.people)
    base.mentions = mentions_index(base)
    if cache_path is not None:
        _write_cache(cache_path, [path, *deps], base)
    return base
