"""Real documents of other layouts, gathered and annotated by us (sources: realdocs/SOURCES-*.md).

They were read while the engine grew, so they are not a held-out set; their figures are a floor
that a change must not push the engine under. The scorer is the shared one (../shared/tools):
without ../shared these tests skip, on CI they fail (corpus_paths.require).
"""

from __future__ import annotations

from functools import cache

import pytest
from corpus_paths import gold_documents, own_documents, require, set_figures

from duban.extract import extract

DOCS = own_documents()
# The figures of the whole set, as the scorer's ALL line counts them; measured 2026-12-07:
# tasks_f1 0.928, units 0.920, roles 1.000, points 1.000, targets_f1 0.889, by 1.000, deadline 1.000.
FLOOR = {
    "tasks_f1": 0.90,
    "units": 0.90,
    "roles": 0.95,
    "points": 0.95,
    "targets_f1": 0.85,
    "by": 0.95,
    "deadline": 0.95,
}


@cache
def _figures() -> dict[str, float]:
    return set_figures([(extract(d.document).to_dict(), d.gold()) for d in DOCS])


def test_there_are_documents_of_several_layouts() -> None:
    assert len(DOCS) >= 8
    assert len({d.document.suffix for d in DOCS}) >= 2


@pytest.mark.parametrize("figure", list(FLOOR))
def test_the_engine_stays_above_its_floor_on_our_real_documents(figure: str) -> None:
    require(gold_documents())  # the scorer lives beside the corpus
    got = _figures()
    assert got[figure] >= FLOOR[figure], f"{figure}={got[figure]:.3f} < {FLOOR[figure]}"
