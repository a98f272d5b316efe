"""The corpus tests find every gold document, and fail rather than skip on CI when ../shared is missing.

Why: an acceptance bar that silently skips is no bar. tests/extract/corpus_paths.py decides where
the corpus is and what its absence means; these tests hold that decision on a temporary tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_paths import gold_documents, on_ci, require


def make_shared(root: Path) -> Path:
    shared = root / "shared"
    for folder, stem, suffix in [("corpus", "000_a", ".txt"), ("corpus/extra", "01_b", ".md")]:
        (shared / folder / "gold").mkdir(parents=True, exist_ok=True)
        (shared / folder / "gold" / f"{stem}.json").write_text('{"tasks": []}', "utf-8")
        (shared / folder / f"{stem}{suffix}").write_text("一、加强领导。", "utf-8")
    (shared / "corpus" / "003_news.txt").write_text("新闻", "utf-8")  # a document without gold
    (shared / "corpus" / "extra" / "SOURCES.md").write_text("# sources", "utf-8")
    return shared


def test_it_pairs_each_gold_file_with_the_document_of_its_stem_in_both_sets(tmp_path: Path) -> None:
    docs = gold_documents(make_shared(tmp_path))
    assert [(d.folder, d.stem, d.document.name) for d in docs] == [
        ("corpus", "000_a", "000_a.txt"),
        ("corpus/extra", "01_b", "01_b.md"),
    ]
    assert docs[1].gold() == {"tasks": []}
    assert docs[1].text() == "一、加强领导。"


def test_it_refuses_a_gold_file_without_its_document(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    (shared / "corpus" / "extra" / "01_b.md").unlink()
    with pytest.raises(LookupError, match="0 documents named 01_b"):
        gold_documents(shared)


def test_it_finds_nothing_where_there_is_no_shared_folder(tmp_path: Path) -> None:
    assert gold_documents(tmp_path / "shared") == []


@pytest.mark.parametrize("value", ["true", "True", "1", "yes"])
def test_it_fails_on_ci_when_the_corpus_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="on CI the corpus acceptance bar must run"):
        require(gold_documents(tmp_path / "shared"))


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_it_skips_beside_a_checkout_without_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not on_ci()
    with pytest.raises(pytest.skip.Exception, match="not beside the checkout"):
        require(gold_documents(tmp_path / "shared"))


def test_it_lets_the_tests_run_when_the_corpus_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    docs = gold_documents(make_shared(tmp_path))
    assert require(docs) == docs
