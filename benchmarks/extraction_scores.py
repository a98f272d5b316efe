"""Extraction figures on every gold set, as the shared scorer counts them (not a pass/fail test).

Sets: the seed corpus (../shared/corpus/gold), the extra corpus (../shared/corpus/extra/gold) and
our own real documents (tests/extract/realdocs/gold). For each set, each document's figures and
the set's ALL line (counts summed over its documents).

usage: python benchmarks/extraction_scores.py [--verbose]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "extract"))

from corpus_paths import figures, gold_documents, own_documents, set_figures  # noqa: E402

from duban.extract import extract  # noqa: E402


def line(name: str, got: dict[str, float]) -> str:
    return f"{name:52s} " + " ".join(f"{k}={v:.3f}" for k, v in got.items())


def main(verbose: bool) -> None:
    docs = gold_documents()
    sets = {
        "seed corpus": [d for d in docs if d.folder == "corpus"],
        "extra corpus": [d for d in docs if d.folder == "corpus/extra"],
        "own real documents": own_documents(),
    }
    for name, members in sets.items():
        print(f"== {name} ({len(members)} documents)")
        pairs = [(extract(d.document).to_dict(), d.gold()) for d in members]
        for d, (pred, gold) in zip(members, pairs, strict=True):
            got, misses = figures(pred, gold)
            print(line(d.stem[:52], got))
            if verbose:
                for m in misses:
                    print("    ", m)
        if pairs:
            print(line("ALL", set_figures(pairs)))


if __name__ == "__main__":
    main("--verbose" in sys.argv[1:])
