"""The acceptance bar: every gold-annotated corpus document scored as the shared tool scores it.

Both gold sets count (../shared/corpus/gold and ../shared/corpus/extra/gold), one test per
document and figure so that the first figure below its bar does not hide the others. Without
../shared these tests skip; on CI they fail (tests/extract/corpus_paths.py).
"""

from __future__ import annotations

import pytest
from corpus_paths import SHARED, GoldDocument, figures, gold_documents, require

from duban.extract import extract

DOCS = gold_documents()
CORPUS = SHARED / "corpus"
BAR = {
    "tasks_f1": 0.97,
    "units": 0.97,
    "roles": 0.97,
    "points": 0.97,
    "targets_f1": 0.90,
    "by": 0.95,
    "deadline": 0.95,
}


def test_it_has_both_gold_sets_to_score() -> None:
    """Skips beside a checkout without ../shared, fails on CI: the bar must never vanish there."""
    assert {doc.folder for doc in require(DOCS)} == {"corpus", "corpus/extra"}


@pytest.mark.parametrize("figure", list(BAR))
@pytest.mark.parametrize("doc", DOCS, ids=[d.stem for d in DOCS])
def test_it_reaches_the_bar_on_the_corpus(doc: GoldDocument, figure: str) -> None:
    got, misses = figures(extract(doc.document).to_dict(), doc.gold())
    shown = "\n".join(misses[:15])
    assert got[figure] >= BAR[figure], f"{figure}={got[figure]:.3f} < {BAR[figure]}\n{shown}"


def test_it_reads_a_news_report_as_no_plan() -> None:
    """003 is a news report, not a decomposition document: no tasks, and it says so."""
    require(DOCS)
    plan = extract(CORPUS / "003_cbaf4d9a3094a002.txt")
    assert plan.tasks == ()
    assert [w.code for w in plan.warnings] == ["no-tasks"]


def test_it_keeps_the_bundled_special_list_apart() -> None:
    """004 bundles the common guide (840 points) and the Jiangxi special guide (100 points)."""
    require(DOCS)
    plan = extract(CORPUS / "004_8589ef9e036e82d9.txt")
    assert plan.total_points == 840
    assert len(plan.parts) == 1
    special = plan.parts[0]
    assert special.total_points == 100
    assert special.title == "宜阳新区落实江西省特色工作指引责任清单"
    assert special.tasks and all(t.id.startswith("II-") for t in special.tasks)


def test_it_extracts_the_negative_list() -> None:
    require(DOCS)
    (doc,) = [d for d in DOCS if d.stem == "004_8589ef9e036e82d9"]
    plan = extract(doc.document)
    assert [d.to_dict()["rules"] for d in plan.deductions] == [d["rules"] for d in doc.gold()["deductions"]]
