"""The extractor's vocabulary files (data/*.json), read into typed records.

Each file has a TypedDict that names its keys and their types (beside the module that uses the
words: roles.py, units.py, columns.py, targets/vocabulary.py). `load` checks the file against it
while reading: every key present, every value of its type (str, list[str], dict[str, …], nested
records, Literal choices, unions of these). A word list broken by a hand edit fails at import with a message that
names the file and the key, instead of deep inside a regex; and the modules that use the words
need neither Any nor casts. Keys starting with "_" are comments: they are left out.
"""

from __future__ import annotations

import json
import types
from importlib import resources
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints, is_typeddict

from duban.extract.errors import ExtractError

T = TypeVar("T")


def load(name: str, shape: type[T]) -> T:
    """data/`name`, checked against `shape` (a TypedDict)."""
    text = resources.files("duban.extract").joinpath("data", name).read_text("utf-8")
    return parse(text, shape, filename=f"data/{name}")


def parse(text: str, shape: type[T], *, filename: str) -> T:
    """The JSON `text`, checked against `shape`; ExtractError names `filename` and the key."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ExtractError(f"not valid JSON: {exc}", filename=filename) from exc
    value: T = _Check(filename).value(raw, shape, "")
    return value


class _Check:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def value(self, value: object, kind: Any, where: str) -> Any:
        if is_typeddict(kind):
            return self.record(value, kind, where)
        origin, args = get_origin(kind), get_args(kind)
        if kind is str:
            return self.expect(value, isinstance(value, str), "a string", where)
        if origin is Literal:
            return self.expect(value, value in args, " or ".join(map(repr, args)), where)
        if origin in (Union, types.UnionType):
            for choice in args:
                try:
                    return self.value(value, choice, where)
                except ExtractError:
                    continue
            return self.expect(value, False, " or ".join(map(_name, args)), where)
        if origin is list:
            items = self.expect(value, isinstance(value, list), "a list", where)
            return [self.value(v, args[0], f"{where}[{i}]") for i, v in enumerate(items)]
        if origin is dict:
            entries = self.expect(value, isinstance(value, dict), "an object", where)
            return {
                self.value(k, args[0], where): self.value(v, args[1], f"{where}.{k}" if where else k)
                for k, v in entries.items()
                if not k.startswith("_")
            }
        raise TypeError(f"{self.filename}: no check for {kind!r}")  # a shape this loader does not know

    def record(self, value: object, kind: Any, where: str) -> dict[str, Any]:
        entries = self.expect(value, isinstance(value, dict), "an object", where)
        hints = get_type_hints(kind)
        missing = sorted(set(hints) - set(entries))
        if missing:
            raise ExtractError(f"missing {', '.join(missing)}", filename=self.filename, where=where or None)
        return {k: self.value(entries[k], t, f"{where}.{k}" if where else k) for k, t in hints.items()}

    def expect(self, value: Any, ok: bool, what: str, where: str) -> Any:
        if not ok:
            found = f"{type(value).__name__} {value!r:.40}"
            raise ExtractError(f"expected {what}, found {found}", filename=self.filename, where=where or None)
        return value


def _name(kind: Any) -> str:
    return getattr(kind, "__name__", None) or str(kind)
