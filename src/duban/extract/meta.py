"""Document metadata: title, document number, date, and the scraper's wrapping to peel off."""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.extract.normalize import squash

_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fa5]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGITS.update({"○": 0, "零": 0, "Ｏ": 0, "O": 0})
_DATE = re.compile(
    r"^(?P<y>(?:19|20)\d{2}|[〇○零Ｏ一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日$"
)
# A plan's own title ends in the genre's word; the covering notice's title does not.
_TITLE = re.compile(
    r"(?:方案|清单|意见|计划|安排|办法|细则|指引|规划|要点|分工|任务书|责任书|分解表|任务表|工作表|措施|任务分解|重点任务|"
    r"工作任务|重点工作|规定|条例)"
    r"(?:[（(][^（）()]{1,16}[）)])?$"
)
_NOT_TITLE = re.compile(r"印发|转发|通知|^关于.*的(?:函|批复)|[《》]")


@dataclass
class FrontMatter:
    fields: dict[str, str]
    skip: int  # number of leading lines that are wrapping, not the document


def front_matter(lines: list[str]) -> FrontMatter:
    """A scraper's YAML block (--- … ---), its "> " notes and a Markdown "# " title line."""
    fields: dict[str, str] = {}
    i = 0
    if lines and lines[0].strip() == "---":
        for j in range(1, min(len(lines), 60)):
            if lines[j].strip() == "---":
                for raw in lines[1:j]:
                    key, sep, value = raw.partition(":")
                    if sep:
                        fields[key.strip()] = value.strip()
                i = j + 1
                break
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith(">")):
        i += 1
    return FrontMatter(fields=fields, skip=i)


def doc_number(texts: list[str]) -> str | None:
    found = [squash(m.group()) for t in texts[:200] if "号" in t for m in _DOC_NUMBER.finditer(t)]
    # The official bracket 〔〕 marks the document's own number; [] is a scraper's retyping.
    for f in found:
        if "〔" in f:
            return f
    return found[0] if found else None


def parse_date(line: str) -> str | None:
    """A line that is only a date ("2012年1月6日", "二○一一年八月一日") → ISO date."""
    m = _DATE.match(squash(line))
    if not m:
        return None
    try:
        y = _cn_or_int(m.group("y"), digits=True)
        mo = _cn_or_int(m.group("m"))
        d = _cn_or_int(m.group("d"))
    except ValueError:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _cn_or_int(s: str, *, digits: bool = False) -> int:
    if s.isdigit():
        return int(s)
    if digits:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS[s[1]]
    if s.endswith("十"):
        return _CN_DIGITS[s[0]] * 10
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_DIGITS[a] * 10 + _CN_DIGITS[b]
    return _CN_DIGITS[s]


_CAPTION = re.compile(r"^(?:附表|附件|表|图)\s*\d*\s*[：:]?")
_TABLE_CAPTION = re.compile(r"^(?:表|图)\d")
_NOT_IN_TITLE = re.compile(r"[。，,；;：:、（()）]|印发")


def is_title_line(line: str) -> bool:
    """A plan's own title line; table captions ("表3 …任务表") and short labels are not."""
    s = squash(line)
    if len(s) > 90 or "。" in s or _TABLE_CAPTION.match(s):
        return False  # (cheap first: most lines are sentences)
    s = _CAPTION.sub("", s)
    return 8 <= len(s) <= 80 and bool(_TITLE.search(s)) and not _NOT_TITLE.search(s) and "。" not in s


def title_text(line: str) -> str:
    """The title without an 附件/附表 label in front."""
    return _CAPTION.sub("", squash(line))


def is_title_fragment(line: str) -> bool:
    """A short unpunctuated line that can be the first part of a title broken over lines."""
    s = squash(line)
    return 2 <= len(s) <= 24 and not _NOT_IN_TITLE.search(s) and parse_date(s) is None
