"""The vocabulary files, read through one typed loader that checks them (duban.extract.vocab)."""

from __future__ import annotations

from typing import Literal, TypedDict

import pytest

from duban.extract import ExtractError, vocab
from duban.extract.columns import HeaderWords
from duban.extract.roles import RoleWords
from duban.extract.targets.vocabulary import Events, TargetWords
from duban.extract.units import UnitWords


class Shape(TypedDict):
    words: list[str]
    roles: dict[Literal["lead", "partner"], list[str]]
    events: dict[str, str | list[str]]


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("roles.json", RoleWords),
        ("units.json", UnitWords),
        ("columns.json", dict[str, HeaderWords]),
        ("target_words.json", TargetWords),
        ("events.json", Events),
    ],
)
def test_it_reads_every_shipped_vocabulary_file(name: str, shape: type) -> None:
    assert vocab.load(name, shape)


def test_it_leaves_out_the_comment_keys() -> None:
    text = '{"_comment": "why", "words": ["a"], "roles": {"_note": "x", "lead": ["牵头"]}, "events": {}}'
    assert vocab.parse(text, Shape, filename="x.json") == {
        "words": ["a"],
        "roles": {"lead": ["牵头"]},
        "events": {},
    }


def test_it_takes_either_side_of_a_union() -> None:
    text = '{"words": [], "roles": {}, "events": {"青奥会": "2014-08", "全运会": ["2009-10", "2013-09"]}}'
    assert vocab.parse(text, Shape, filename="x.json")["events"]["全运会"] == ["2009-10", "2013-09"]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('{"words": ["a"], "roles": {}}', None, "missing events"),
        ('{"words": "a", "roles": {}, "events": {}}', "words", "expected a list"),
        ('{"words": ["a", 3], "roles": {}, "events": {}}', "words[1]", "expected a string"),
        ('{"words": [], "roles": {"chief": []}, "events": {}}', "roles", "expected 'lead' or 'partner'"),
        ('{"words": [], "roles": {}, "events": {"x": 1}}', "events.x", "expected str or list"),
        ('{"words": [', None, "not valid JSON"),
    ],
)
def test_it_names_the_file_and_the_key_of_a_broken_word_list(text: str, where: str | None, what: str) -> None:
    with pytest.raises(ExtractError) as caught:
        vocab.parse(text, Shape, filename="data/x.json")
    assert caught.value.filename == "data/x.json"
    assert caught.value.where == where
    assert what in caught.value.message
