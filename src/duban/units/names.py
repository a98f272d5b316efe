"""When two printed names are one body: keys that printings of the same name share.

- strong_key: alias data (duban.extract's data/units.json: 市发改委 = 市发展和改革委员会) and the
  abbreviation rules of data/name_rules.json (经发 = 经济发展, 共青团南京市委 = 团市委). Two names
  with the same strong key are the same body: an import pre-fills the match.
- loose_key: the strong key with what documents often drop or vary (市场监督管理局宜阳分局 =
  市场监督管理分局, 分局/局, 建设管理 before 局, a bracketed qualifier): names that share it are
  probably one body, for the office to confirm.
- likeness: how alike two loose keys read (difflib's ratio), for the rest.

Pure functions over the data; the directory's queries are in duban.units.suggestions and
duban.units.matching.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from duban.extract.units import Directory


@dataclass(frozen=True)
class NameRules:
    aliases: dict[str, str]  # a whole printed name → the full name (alias data)
    abbreviations: tuple[tuple[str, str], ...]  # (short, full), longest short first
    forms: tuple[tuple[re.Pattern[str], str], ...]  # a full name's pattern → its short form
    same_endings: tuple[tuple[str, str], ...]  # (full, short) of a name's last word
    endings: tuple[tuple[str, str], ...]  # the loose key's (分局 → 局)
    loose_forms: tuple[tuple[re.Pattern[str], str], ...]
    fillers: tuple[str, ...]
    last_words: tuple[str, ...]
    _abbreviation: re.Pattern[str]

    @classmethod
    def load(cls) -> NameRules:
        raw = json.loads(resources.files("duban.units").joinpath("data/name_rules.json").read_text("utf-8"))
        shorts = sorted(raw["abbreviations"].items(), key=lambda kv: len(kv[0]), reverse=True)
        # Full forms are matched too (as themselves), longest first: the short 政法委 inside a
        # name that already reads 政法委员会 must not be expanded again.
        words = sorted({w for pair in shorts for w in pair}, key=len, reverse=True)
        return cls(
            aliases=dict(Directory.default().aliases),
            abbreviations=tuple(shorts),
            forms=tuple((_form(f["full"]), f["short"]) for f in raw["forms"]),
            same_endings=tuple((a, b) for a, b in raw["endings"]),
            endings=tuple((a, b) for a, b in raw["loose"]["endings"]),
            loose_forms=tuple((_form(f["full"]), f["short"]) for f in raw["loose"]["forms"]),
            fillers=tuple(sorted(raw["loose"]["fillers"], key=len, reverse=True)),
            last_words=tuple(sorted(raw["loose"]["last_words"], key=len, reverse=True)),
            _abbreviation=re.compile("|".join(re.escape(w) for w in words) or "(?!)"),
        )

    def strong_key(self, name: str) -> str:
        name = squash(name)
        name = self.aliases.get(name, name)
        # One pass, longest short form first: a full form is never expanded again (发展改革 → 发展和改革).
        full = dict(self.abbreviations)
        name = self._abbreviation.sub(lambda m: full.get(m.group(0), m.group(0)), name)
        return _ending(_reform(name, self.forms), self.same_endings)

    def loose_key(self, name: str) -> str:
        key = _QUALIFIER.sub("", self.strong_key(name)) or self.strong_key(name)
        key = _reform(key, self.loose_forms)
        key = _ending(_ending(key, self.same_endings), self.endings)
        # A filler word just before the name's last word (工程建设管理局 → 工程局), never the whole
        # head (管理局 stays).
        last = next((w for w in self.last_words if key.endswith(w)), "")
        head = key[: len(key) - len(last)]
        for filler in self.fillers:
            if last and head.endswith(filler) and len(head) > len(filler) + 1:
                return head[: -len(filler)] + last
        return key


def _reform(name: str, forms: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    """The short form of the first form the whole name matches; the name as it is otherwise."""
    for pattern, short in forms:
        m = pattern.fullmatch(name)
        if m is not None:
            return short.replace("{body}", m.groupdict().get("body") or "")
    return name


def _ending(name: str, endings: tuple[tuple[str, str], ...]) -> str:
    for long, short in endings:
        if name.endswith(long) and len(name) > len(long):
            return name[: -len(long)] + short
    return name


# A qualifier in brackets at the end of a name: 综治办（司法）.
_QUALIFIER = re.compile(r"（[^（）]{1,10}）$")


def _form(full: str) -> re.Pattern[str]:
    """A form's full name as a pattern: {place} is a place name (2 or 3
    characters, and 新区/区/县: 公安局交通管理分局 is no place's branch), {body} the
    body's own words."""
    parts = re.split(r"(\{place\}|\{body\})", full)
    out = []
    for part in parts:
        if part == "{place}":
            out.append(r"[\u4e00-\u9fff]{2,3}?(?:新区|区|县)?")
        elif part == "{body}":
            out.append(r"(?P<body>[\u4e00-\u9fff（）()]{2,20}?)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def squash(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


@cache
def rules() -> NameRules:
    return NameRules.load()


def likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
