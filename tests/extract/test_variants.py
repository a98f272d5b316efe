"""Metamorphic acceptance: a gold document disguised as real copies arrive still extracts as well.

Why: the development documents are clean text, and an engine tuned on them can lean on their
line breaks, full-width punctuation or encoding. Every gold document is disguised
(tests/extract/disguise.py: flattened by a scraper, OCR'd, a GB18030 export, a gb2312 web page,
a Word file, a PDF, and for the documents that are tables a real Word table and an .xlsx sheet),
extracted, and scored against the same gold by the shared scorer. The disguise must keep at
least KEEP of what the plain text scores (where the plain text scores 0, it must only not be
worse). Then a property: line breaks or spaces between sentences change no task and no unit.
Without ../shared these tests skip; on CI they fail (tests/extract/corpus_paths.py).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import disguise
import pytest
from corpus_paths import GoldDocument, figures, gold_documents, require
from hypothesis import given, note, settings
from hypothesis import strategies as st

from duban.extract import extract

DOCS = gold_documents()
KEEP = {"tasks_f1": 0.95, "units": 0.95, "roles": 0.90, "targets_f1": 0.90, "deadline": 0.90}
CASES = [
    pytest.param(doc, name, id=f"{doc.stem}-{name}")
    for doc in DOCS
    for name in disguise.variants_for(doc.stem)
]


@functools.cache
def plain(doc: GoldDocument) -> dict[str, Any]:
    """The plain text's extraction, as JSON (once per document)."""
    return extract(doc.document).to_dict()


def test_it_has_gold_documents_to_disguise() -> None:
    """Skips beside a checkout without ../shared, fails on CI: the bar must never vanish there."""
    assert all(d.text().strip() for d in require(DOCS))


def as_printed_in_halfwidth(gold: dict[str, Any]) -> dict[str, Any]:
    """Units are kept "as printed" (ANNOTATION.md): where OCR printed "建设管理委(交通委)", that is
    the name the copy gives; the gold of the copy is the gold with the same punctuation."""

    def task(t: dict[str, Any]) -> dict[str, Any]:
        names = {
            k: [u.translate(disguise.HALF_WIDTH) for u in t[k]]
            for k in ("units", "lead", "partners")
            if t.get(k)
        }
        return {**t, **names}

    return {
        **gold,
        "tasks": [task(t) for t in gold["tasks"]],
        "parts": [{**p, "tasks": [task(t) for t in p["tasks"]]} for p in gold.get("parts") or []],
    }


@pytest.mark.parametrize(("doc", "variant"), CASES)
def test_it_keeps_the_plain_texts_figures_in_disguise(doc: GoldDocument, variant: str) -> None:
    suffix, data = disguise.disguised(doc.stem, variant, doc.text())
    gold = doc.gold()
    base, _ = figures(plain(doc), gold)
    if variant == "halfwidth":
        gold = as_printed_in_halfwidth(gold)
    got, misses = figures(extract(data, filename="doc" + suffix).to_dict(), gold)
    short = {k: (base[k], got[k]) for k, keep in KEEP.items() if got[k] < keep * base[k]}
    table = "\n".join(
        f"  {k}: plain {b:.3f} → {variant} {g:.3f} (keeps {g / b:.2f} < {KEEP[k]})"
        for k, (b, g) in short.items()
    )
    shown = "\n".join(misses[:12])
    assert not short, f"{doc.stem} as {variant}:\n{table}\n{shown}"


# --- sentence breaks ----------------------------------------------------------------------------

SENTENCE_END = re.compile(r"[。；]")
BREAKS = ("\n", " ", "  ", "\u3000", "\n  ")


def tasks_and_units(plan: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Each task id (of the plan and its parts) with the units of each task of that id."""
    out: dict[str, list[list[str]]] = {}
    for task in plan["tasks"]:
        out.setdefault(str(task["id"]), []).append(list(task["units"]))
    for part in plan.get("parts") or []:
        for key, units in tasks_and_units(part).items():
            out.setdefault(key, []).extend(units)
    return out


@functools.cache
def plain_tasks(doc: GoldDocument) -> dict[str, list[list[str]]]:
    return tasks_and_units(extract(doc.text(), filename="doc.txt").to_dict())


@pytest.mark.parametrize("doc", DOCS, ids=[d.stem for d in DOCS])
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_it_finds_the_same_tasks_and_units_when_sentences_are_spaced_apart(
    doc: GoldDocument, data: st.DataObject
) -> None:
    text = doc.text()
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    inserts = data.draw(
        st.lists(
            st.tuples(st.sampled_from(ends), st.sampled_from(BREAKS)),
            min_size=1,
            max_size=12,
            unique_by=lambda x: x[0],
        ),
        label="inserts",
    )
    spaced = text
    for at, gap in sorted(inserts, reverse=True):
        note(f"{gap!r} at {at}: …{text[at - 20 : at]}|{text[at : at + 20]}…")
        spaced = spaced[:at] + gap + spaced[at:]
    got = tasks_and_units(extract(spaced, filename="doc.txt").to_dict())
    before = plain_tasks(doc)
    lost, new = sorted(before.keys() - got.keys()), sorted(got.keys() - before.keys())
    assert not lost and not new, f"task ids lost {lost[:12]}, new {new[:12]}"
    changed = {k: (before[k], got[k]) for k in before if got[k] != before[k]}
    assert not changed, "units changed (before, after): " + "; ".join(
        f"{k}: {v}" for k, v in list(changed.items())[:5]
    )
