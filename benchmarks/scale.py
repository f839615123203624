"""Generate a valid fact base N times the shipped one: ids and names varied, references intact.

    python benchmarks/scale.py OUT_DIR [--factor 1000]

Copy 0 is the shipped base itself; copy k renames every id with a `-k<k>` suffix, gives each
person a generated surname, and keeps every citation (so every quote is still in the article).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import msgspec
import yaml

from iranaz_cli.model import KINDS, PERSON_REFERENCES
from iranaz_cli.store.loader import load_fact_base, shipped_data_dir


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Write every value out in full: the fact base refuses anchors and aliases."""

    def ignore_aliases(self, data):
        return True


SYLLABLES = ["ka", "ri", "mo", "za", "de", "ho", "sa", "ne", "ba", "ta", "ve", "lu", "fa", "pi", "go", "ja"]


def surname(k: int) -> str:
    """Return a pronounceable name unique to k (base-16 digits as syllables)."""
    parts = []
    while True:
        parts.append(SYLLABLES[k % 16])
        k //= 16
        if not k:
            break
    return ("".join(parts) + "vand").capitalize()


def _rename_people(value, suffix: str, people: set[str]):
    """Rename the person ids in a reference field (``according_to`` may also name a source)."""
    if isinstance(value, list):
        return [v + suffix if v in people else v for v in value]
    return value + suffix if value in people else value


def generate(out: Path, factor: int, source: Path | None = None) -> int:
    """Write the scaled base to OUT/data (and the seed to OUT/seeds); return its record count.
    ``source``: the data folder to copy (default: the shipped base)."""
    shipped = source or shipped_data_dir()
    base = msgspec.to_builtins(load_fact_base(shipped, cache=False))
    (out / "data").mkdir(parents=True, exist_ok=True)
    shutil.copytree(shipped.parent / "seeds", out / "seeds", dirs_exist_ok=True)
    people = {p["id"] for p in base["people"]}
    total = 0
    for kind in KINDS:
        records = base[kind]
        if kind == "sources":
            scaled = records
        else:
            scaled = []
            for k in range(factor):
                suffix = f"-k{k}" if k else ""
                for i, record in enumerate(records):
                    copy = dict(record, id=record["id"] + suffix)
                    if k and kind == "people":
                        first = copy["name"].split()[0]
                        copy["name"] = f"{first} {surname(k * len(records) + i)}"  # (two share a first name)
                        copy["aliases"] = []
                        # parallel holders of one office: acting terms, which may overlap
                        copy["roles"] = [dict(r, acting=True) if r.get("office") else r for r in copy["roles"]]
                    if k:
                        for field in PERSON_REFERENCES.get(kind, {}):
                            if field in copy:
                                copy[field] = _rename_people(copy[field], suffix, people)
                        if "notes" in copy:  # (a dispute has none)
                            copy["notes"] = [
                                dict(n, according_to=_rename_people(n["according_to"], suffix, people))
                                if isinstance(n, dict)
                                else n
                                for n in copy["notes"]
                            ]
                    scaled.append(copy)
        with open(out / "data" / f"{kind}.yaml", "w", encoding="utf-8") as f:
            yaml.dump(scaled, f, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
        total += len(scaled)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=1000)
    args = parser.parse_args()
    print(f"{generate(args.out, args.factor)} records in {args.out / 'data'}")


if __name__ == "__main__":
    main()
