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
    "load_fact_base": "store.loader",
    "validate": "store.loader",
    "FactBase": "model",
    "IranazError": "errors",
    "FactBaseError": "errors",
    "NotFound": "errors",
    "visits": "ask.visits",
    "people": "ask.people",
    "gas": "ask.subjects",
    "corridor": "ask.subjects",
    "timeline": "ask.timeline",
    "search": "ask.timeline",
    "quotes": "ask.subjects",
    "record": "ask.records",
    "sources": "ask.records",
    "record_ids": "ask.records",
    "offices": "ask.people",
    "resolve": "ask.people",
    "visit_summary": "ask.visits",
    "coverage": "ask.coverage",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'iranaz_cli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
