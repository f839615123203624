"""Sentence splitting of hostile articles: linear time at the largest size a base allows (16 MiB).

    python benchmarks/sentences.py [--budget 20]

Run it with the Python of the environment iranaz is installed in. Each article is 16 MiB of one
pattern that made the splitter quadratic before (issue 19, item 10): runs of 40,000 dots, then a
lowercase word or a letter; `A. ` 200,000 times over (initials, each looked back from); `. ` and
`x?` over and over. It times `split_sentences` (what `source add`, `validate`, `coverage` and a cold
query run on an article) and the quote folding beside it, prints each time, and exits 1 if one takes
longer than the budget (seconds; quadratic splitting took 29 s on 40,000 dots alone).
"""

from __future__ import annotations

import argparse
import sys
import time

from iranaz_cli.store.anchors import FoldedText, split_sentences

SIZE = 16 << 20  # the largest article a base accepts

PATTERNS = {
    "40,000 dots, then a lowercase word": "x" + "." * 40_000 + " y\n",
    "40,000 dots, then a letter": "x" + "." * 40_000 + "x ",
    "'A. ' * 200,000": "A. " * 200_000,
    "'. ' over and over": ". " * 100_000,
    "'x?' over and over": "x?" * 100_000,
}


def article(pattern: str) -> str:
    """Return 16 MiB of ``pattern``, repeated."""
    return (pattern * (SIZE // len(pattern) + 1))[:SIZE]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=20.0, help="seconds each article may take")
    budget = parser.parse_args().budget
    missed = 0
    for name, pattern in PATTERNS.items():
        text = article(pattern)
        started = time.perf_counter()
        sentences = split_sentences(text)
        split = time.perf_counter() - started
        started = time.perf_counter()
        FoldedText(text)
        folded = time.perf_counter() - started
        verdict = "ok" if split + folded <= budget else "OVER BUDGET"
        missed += verdict != "ok"
        print(f"{name:38} {len(sentences):>9,} sentences  split {split:6.2f} s  fold {folded:6.2f} s  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
