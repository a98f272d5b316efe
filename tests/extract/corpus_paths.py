"""Where the shared corpus is, which documents have gold, how they score, and what its absence means.

Why: the corpus tests are the extraction engine's acceptance bar. Beside a checkout without
../shared they may skip; on CI (CI=true) a missing corpus fails the run instead, or the bar
would vanish from CI without anyone noticing. The decision lives here, in one place that
tests/extract/test_corpus_paths.py checks with a temporary directory.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
# Real documents we gathered and annotated ourselves (their sources: realdocs/SOURCES-*.md).
REALDOCS = Path(__file__).resolve().parent / "realdocs"
# Each set holds its documents with their gold in gold/ beside them: gold/NAME.json annotates NAME.*.
GOLD_SETS = ("corpus", "corpus/extra")


@dataclass(frozen=True)
class GoldDocument:
    folder: str  # the set, relative to ../shared
    document: Path
    gold_path: Path

    def __repr__(self) -> str:  # what a failing test prints
        return f"GoldDocument({self.folder}/{self.document.name})"

    @property
    def stem(self) -> str:
        return self.gold_path.stem

    def gold(self) -> dict[str, Any]:
        return json.loads(self.gold_path.read_text("utf-8"))  # type: ignore[no-any-return]

    def text(self) -> str:
        return self.document.read_text("utf-8-sig")


def gold_documents(shared: Path = SHARED) -> list[GoldDocument]:
    """Every gold file of every set with its document, the file of the same stem beside gold/."""
    found = []
    for folder in GOLD_SETS:
        gold_dir = shared / folder / "gold"
        if not gold_dir.is_dir():
            continue
        for gold in sorted(gold_dir.glob("*.json")):
            docs = [p for p in sorted(gold_dir.parent.iterdir()) if p.is_file() and p.stem == gold.stem]
            if len(docs) != 1:
                raise LookupError(
                    f"{gold}: {len(docs)} documents named {gold.stem}.* beside gold/, one expected"
                )
            found.append(GoldDocument(folder=folder, document=docs[0], gold_path=gold))
    return found


def own_documents(folder: Path = REALDOCS) -> list[GoldDocument]:
    """Our own gold set: realdocs/gold/NAME.json annotates realdocs/NAME.*."""
    out = []
    for gold in sorted((folder / "gold").glob("*.json")):
        (doc,) = [p for p in sorted(folder.iterdir()) if p.is_file() and p.stem == gold.stem]
        out.append(GoldDocument(folder="realdocs", document=doc, gold_path=gold))
    return out


def on_ci(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return env.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require(
    documents: Sequence[GoldDocument], env: Mapping[str, str] | None = None
) -> Sequence[GoldDocument]:
    """The documents; when there are none, skip the calling test, or fail it on CI."""
    if documents:
        return documents
    message = f"no gold documents in {', '.join(str(SHARED / f / 'gold') for f in GOLD_SETS)}"
    if on_ci(env):
        pytest.fail(
            f"{message}: on CI the corpus acceptance bar must run, so ../shared must be there", pytrace=False
        )
    pytest.skip(f"{message} (../shared is not beside the checkout)")


@functools.cache
def scorer(shared: Path = SHARED) -> ModuleType:
    """The shared scorer, ../shared/tools/score_extraction.py, as a module."""
    spec = importlib.util.spec_from_file_location(
        "score_extraction", shared / "tools" / "score_extraction.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figures(pred: dict[str, Any], gold: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    """The scorer's figures for one document, and its list of misses."""
    s = scorer().score(pred, gold)
    return _figures(s), [str(m) for m in s["misses"]]


def set_figures(pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, float]:
    """The figures of a set of documents, as the scorer's ALL line counts them (every count summed)."""
    total: dict[str, int] = {}
    for pred, gold in pairs:
        s = scorer().score(pred, gold)
        for k, v in s.items():
            if k != "misses":
                total[k] = total.get(k, 0) + v
    return _figures(total)


def _figures(s: Mapping[str, Any]) -> dict[str, float]:
    sc = scorer()
    return {
        "tasks_f1": sc.f1(s["tp"], s["fp"], s["fn"]),
        "units": sc.ratio(s["units_ok"], s["units_n"]),
        "roles": sc.ratio(s["roles_ok"], s["roles_n"]),
        "points": sc.ratio(s["pts_ok"], s["pts_n"]),
        "targets_f1": sc.f1(s["t_tp"], s["t_fp"], s["t_fn"]),
        "by": sc.ratio(s["by_ok"], s["by_n"]),
        "deadline": sc.ratio(s["dl_ok"], s["dl_n"]),
    }
