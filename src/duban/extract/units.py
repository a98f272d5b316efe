"""Unit names: split a printed list into names, tell a name from prose, know aliases.

Vocabulary lives in data/units.json; a user extends it with `Directory.load(file)` (JSON with
the same keys, or a text file: one name per line, `short=full` for an alias).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypedDict

from duban.extract import vocab
from duban.extract.errors import ExtractError
from duban.extract.normalize import squash, strip_markup


class UnitWords(TypedDict):
    """data/units.json."""

    suffixes: list[str]
    groups: list[str]
    not_units: list[str]
    trailing: list[str]
    aliases: dict[str, str]
    known: list[str]
    bad_words: list[str]
    prefixes: list[str]
    cores: list[str]
    prose_verbs: list[str]
    name_stops: list[str]


@dataclass
class Directory:
    """Known suffixes, group references, non-units and aliases."""

    suffixes: tuple[str, ...]
    groups: frozenset[str]
    not_units: frozenset[str]
    trailing: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    bad_words: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    cores: tuple[str, ...] = ()
    prose_verbs: tuple[str, ...] = ()
    name_stops: tuple[str, ...] = ()

    @classmethod
    def default(cls) -> Directory:
        raw = vocab.load("units.json", UnitWords)
        return cls(
            # Longest first so "工委" wins over "委" when both end a name.
            suffixes=tuple(sorted(raw["suffixes"], key=len, reverse=True)),
            groups=frozenset(raw["groups"]),
            not_units=frozenset(raw["not_units"]),
            trailing=tuple(sorted(raw["trailing"], key=len, reverse=True)),
            aliases=dict(raw["aliases"]),
            known={*raw["aliases"].values(), *raw["known"]},
            bad_words=tuple(raw["bad_words"]),
            prefixes=tuple(raw["prefixes"]),
            cores=tuple(raw["cores"]),
            prose_verbs=tuple(raw["prose_verbs"]),
            name_stops=tuple(raw["name_stops"]),
        )

    def load(self, path: Path) -> None:
        """Extend the directory from a user's file."""
        self._seen.clear()
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExtractError(f"cannot read unit directory: {exc}", filename=str(path)) from exc
        if path.suffix.lower() == ".json":
            try:
                raw = json.loads(text)
            except ValueError as exc:
                raise ExtractError(f"not valid JSON: {exc}", filename=str(path)) from exc
            if not isinstance(raw, dict):
                raise ExtractError("expected a JSON object with aliases/known/suffixes", filename=str(path))
            self.aliases.update({str(k): str(v) for k, v in dict(raw.get("aliases", {})).items()})
            self.known.update(str(x) for x in raw.get("known", []))
            self.suffixes = tuple(
                sorted({*self.suffixes, *map(str, raw.get("suffixes", []))}, key=len, reverse=True)
            )
            self.__post_init__()  # the suffix index and the answers so far
            return
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" in line:
                short, _, full = line.partition("=")
                if not short.strip() or not full.strip():
                    raise ExtractError("expected `short=full`", filename=str(path), where=f"line {n}")
                self.aliases[squash(short)] = squash(full)
                self.known.add(squash(full))
            else:
                self.known.add(squash(line))

    def __post_init__(self) -> None:
        # One alternation instead of a loop over the words: looks_like_unit runs on every cell.
        self._bad = re.compile("|".join(re.escape(w) for w in self.bad_words) or "(?!)")
        self._seen: dict[str, bool] = {}  # looks_like_unit's answers: names repeat in a document
        self._by_last: dict[str, tuple[str, ...]] = {}
        for suffix in self.suffixes:  # already longest first
            self._by_last[suffix[-1]] = (*self._by_last.get(suffix[-1], ()), suffix)

    def bad_words_in(self, name: str) -> bool:
        """Whether `name` reads as prose: a word no body's name holds (是, 的, 以下 …) or a verb
        that opens it (加强, 推进 …)."""
        return bool(self._bad.search(name)) or name.startswith(self.prose_verbs)

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def looks_like_unit(self, name: str) -> bool:
        """A well-formed body name: a known one, a group reference, or a name with a body suffix."""
        seen = self._seen.get(name)
        if seen is None:
            seen = self._seen[name] = self._looks_like_unit(name)
        return seen

    def _looks_like_unit(self, name: str) -> bool:
        if not name or len(name) > 40 or name in self.not_units:
            return False
        if name in self.known or name in self.aliases or name in self.groups:
            return True
        base = _strip_bracket_qualifier(name)
        suffix = next((s for s in self._by_last.get(base[-1:], ()) if base.endswith(s)), None)
        if suffix is None or len(base) < 2:
            return False
        # A word of prose makes it no name, unless it belongs to the ending ("功能区推进办"); a
        # verb opens prose, not a name, but may stand inside one ("重大项目推进领导小组").
        head = base[: len(base) - len(suffix)]
        if len(head) == 1 and len(suffix) == 1 and head not in _LEVELS:
            return False  # "场所", "对所", "中队": a word, not a body (市委 is the city's)
        opening = head[1:] if head[:1] in _LEVELS else head
        return not self._bad.search(head) and not opening.startswith(self.prose_verbs)

    def is_complete(self, name: str) -> bool:
        """Whether a fragment already reads as a whole name (used to re-join PDF-spaced names)."""
        return len(name) >= 2 and self.looks_like_unit(name) and not name[-1].isdigit()


_LEVELS = "省市区县镇乡"


@lru_cache(maxsize=1)
def directory() -> Directory:
    return Directory.default()


_BRACKET_TAIL = re.compile(r"[（(][^（）()]{1,12}[）)]$")


def _strip_bracket_qualifier(name: str) -> str:
    """ "综治办(司法)" reads as 综治办 for the suffix test; the printed name keeps its bracket."""
    return _BRACKET_TAIL.sub("", name)


_QUOTE_PAIRS = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’", "《": "》"}
_LIST_SEP = "、，,；;/／"


_SEPARATORS = re.compile("[" + re.escape(_LIST_SEP) + "]")
_QUOTES_OR_BRACKETS = re.compile("[" + re.escape("".join(_QUOTE_PAIRS) + "（(") + "]")


def _split_outside_quotes(text: str) -> list[str]:
    """Split on list separators, but never inside quotation marks or brackets."""
    if not _QUOTES_OR_BRACKETS.search(text):
        return _SEPARATORS.split(text)  # cheap: most lists hold neither
    parts: list[str] = []
    buf: list[str] = []
    closing: list[str] = []
    for ch in text:
        if closing and ch == closing[-1]:
            closing.pop()
        elif ch in _QUOTE_PAIRS and not (ch == '"' and closing and closing[-1] == '"'):
            closing.append(_QUOTE_PAIRS[ch])
        elif ch in "（(":
            closing.append("）" if ch == "（" else ")")
        elif not closing and ch in _LIST_SEP:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


def _join_spaced(tokens: list[str], d: Directory) -> list[str]:
    """Re-join names that PDF extraction spread over spaces ("市 司 法 局", "市委 610 办").

    A token starts a new name only when the name so far is already complete and the token
    could begin one; otherwise it is glued on.
    """
    out: list[str] = []
    for tok in tokens:
        if out and (not d.is_complete(out[-1]) or tok[0].isdigit() or len(tok) == 1):
            out[-1] += tok
        else:
            out.append(tok)
    # A last fragment too short to stand alone belongs to the name before it.
    if len(out) > 1 and not d.looks_like_unit(out[-1]) and not d.is_complete(out[-1]):
        tail = out.pop()
        out[-1] += tail
    return out


def _drop_trailing(name: str, d: Directory) -> str:
    if not name.endswith(d.trailing):
        return name  # cheap: most names end in no trailing word
    for t in d.trailing:
        if name.endswith(t) and len(name) > len(t):
            return name[: -len(t)]
    return name


def split_units(text: str, d: Directory | None = None) -> list[str]:
    """Split a printed list of bodies into names, as printed with whitespace removed.

    Drops trailing 等/等有关部门, bare 有关部门-like phrases, and duplicates within the list.
    """
    d = d or directory()
    text = strip_markup(text).strip().strip("。.;；，,、")
    names: list[str] = []
    for part in _split_outside_quotes(text):
        tokens = part.split()
        if not tokens:
            continue
        for tok in _join_spaced(tokens, d) if len(tokens) > 1 else ["".join(tokens)]:
            name = _drop_trailing(squash(tok), d).strip("。.;；:：")
            if name and name not in d.not_units:
                names.append(name)
    return _unique(_join_tiers(names))


# "市、区人民政府", "各县（市）、区林业行政主管部门": a bare admin level listed before a name is
# a tier of the same bodies, not a body of its own.
_TIER = re.compile(r"^各?[省市县区镇乡](?:[（(][^（）()]{1,6}[）)])?$")


def _join_tiers(names: list[str]) -> list[str]:
    out: list[str] = []
    pending = ""
    for name in names:
        if _TIER.match(name):
            pending += name + "、"
            continue
        out.append(pending + name)
        pending = ""
    if pending:
        out.append(pending.rstrip("、"))
    return out


# A name never holds these; after one of them a name may start.
_NAME_BREAKS = frozenset("。；;，,：: \t\n")


def trailing_units(text: str, d: Directory | None = None) -> tuple[int, list[str]] | None:
    """A list of bodies that ends `text`, where cells ran together ("…任务全年推进发展改革委、
    生态环境局等"): the offset where the list starts and its names, or None.

    The list's first name has no separator before it; it starts at the latest place that opens a
    name (after punctuation, at a known name, a department's core or an admin level) and leaves a
    well-formed name up to the list's first separator.
    """
    d = d or directory()
    parts = _split_outside_quotes(text)
    k = len(parts)
    while k > 1 and _is_whole_name(parts[k - 1], d):
        k -= 1
    first = parts[k - 1]
    offset = len(text) - len("、".join(parts[k - 1 :]))  # separators are one character each
    start = _name_start(first, d)
    if start is None:
        if k == len(parts):
            return None
        offset, start = offset + len(first) + 1, 0  # the list starts after the glued part
    names = split_units(text[offset + start :], d)
    if not names or not all(d.looks_like_unit(n) for n in names):
        return None
    return offset + start, names


def _is_whole_name(part: str, d: Directory) -> bool:
    name = _drop_trailing(squash(part), d).strip("。.;；:：")
    return not name or name in d.not_units or _name_start(name, d) == 0


def leading_name(text: str, d: Directory | None = None) -> str | None:
    """The body's name a text opens with, the longest that reads so ("市民族宗教事务局以促进…")."""
    d = d or directory()
    # A name ends before punctuation, a word that joins prose ("…事务局以促进…") or a verb of
    # prose ("…计生委强化互联网…").
    end = next(
        (k for k, c in enumerate(text) if c in _NAME_BREAKS or c in "以为把将对在的并于从向"), len(text)
    )
    verb = min(
        (k for k in (text.find(v, 2) for v in (*d.prose_verbs, *d.name_stops)) if k > 0), default=len(text)
    )
    for i in range(min(end, verb, 30), 1, -1):
        if d.looks_like_unit(text[:i]):
            return text[:i]
    return None


def opens_like_a_name(name: str, d: Directory | None = None) -> bool:
    """Whether a name begins as bodies' names do: an admin level, a department's core, a known
    name or a group ("各…") — not any words that happen to end in 局 or 区."""
    d = d or directory()
    return name.startswith(d.prefixes) or name.startswith(d.cores) or name in d.known or name in d.groups


def reads_whole(name: str, d: Directory | None = None) -> bool:
    """Whether a listed name is one name, not text run into a name ("…新建工程区体育局")."""
    d = d or directory()
    return _name_start(name, d) in (0, None)


def _name_start(part: str, d: Directory) -> int | None:
    """Where a name that ends `part` starts, or None when no well-formed name ends it."""
    name = _drop_trailing(part, d)
    cut = max((i + 1 for i, c in enumerate(name) if c in _NAME_BREAKS), default=0)
    tail = name[cut:]
    if d.looks_like_unit(tail) and (cut > 0 or len(tail) <= 7 or tail.startswith(d.prefixes)):
        return cut
    # A department's core or a known name opens it ("…工程区体育局" → 区体育局); failing that,
    # the latest admin level that leaves a well-formed name ("…研究区规划资源局").
    by_core = by_level = None
    for i in range(len(name) - 2, cut - 1, -1):
        rest = name[i:]
        if len(rest) < 3 or any(c in _NAME_BREAKS for c in rest) or not d.looks_like_unit(rest):
            continue
        if by_core is None and (
            rest.startswith(d.cores) or any(rest.startswith(k) for k in d.known if len(k) >= 3)
        ):
            level = next((p for p in d.prefixes if name[:i].endswith(p)), "")
            by_core = i - len(level)
        if by_level is None and rest.startswith(d.prefixes):
            by_level = i
    return by_core if by_core is not None else by_level


def all_units(names: Iterable[str], d: Directory | None = None) -> bool:
    d = d or directory()
    names = list(names)
    return bool(names) and all(d.looks_like_unit(n) for n in names)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out
