"""iranaz: facts about Iran–Azerbaijan relations, each citing its source.

The package is usable as a library::

    import iranaz_cli
    base = iranaz_cli.load_fact_base()
    iranaz_cli.visits(base, since=2000)

Names are imported on first use, so ``import iranaz_cli`` costs nothing the command does not need.
"""

from __future__ import annotations

__version__ = "0.2.0"  # 0.2: attribution, anchors (the cache holds them: a new version rebuilds it)

_EXPORTS = {
    "load_fact_base": "loader",
    "validate": "loader",
    "FactBase": "model",
    "IranazError": "errors",
    "FactBaseError": "errors",
    "NotFound": "errors",
    "visits": "core",
    "people": "core",
    "gas": "core",
    "corridor": "core",
    "timeline": "core",
    "search": "core",
    "quotes": "core",
    "record": "core",
    "sources": "core",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'iranaz_cli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
