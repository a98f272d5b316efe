"""Negative lists (负面清单): deduction rules per incident, by level, or by a rate threshold.

"暴力恐怖案事件(-30分/件)", "特别重大、重大群体性事件(特别重大-30分/件,重大-10分/件)",
"万人命案发案率>0.6(超过即-20分,每超过0.1再-10分,最多共扣50分)".
"""

from __future__ import annotations

import re

from duban.extract.model import Deduction, DeductionRule
from duban.extract.normalize import ascii_digits, squash
from duban.extract.segment import parse_mark

HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d+[.．、])?\s*(?:负面清单|扣分项目?|扣分事项|否决事项)\s*[：:]?$"
)

# A bracket that holds points; its item is the text since the last bracket or semicolon.
_RULES = re.compile(r"[（(](?P<rules>[^()（）]*?分[^()（）]*)[）)]")
_LEVEL_RULE = re.compile(
    r"(?P<level>特别重大|重大|较大|一般)?(?:即|的)?[-－—扣减]\s*(?P<pts>\d+(?:\.\d+)?)分(?:\s*/\s*(?P<per>[件起人次个例]))?"
)
_THRESHOLD = re.compile(r"(?P<metric>.+?)(?P<op>[>≥<≤]|超过|高于|低于)(?P<val>\d+(?:\.\d+)?)$")
_STEP = re.compile(
    r"每(?:超过|超出|增加|上升)(?P<step>\d+(?:\.\d+)?)[^,，;；]*?(?:再)?[-－扣减]\s*(?P<pts>\d+(?:\.\d+)?)分"
)
_CAP = re.compile(r"最多(?:共)?扣\s*(?P<cap>\d+(?:\.\d+)?)分|(?:扣分)?上限\s*(?P<cap2>\d+(?:\.\d+)?)分")


def parse_item(line: str) -> list[Deduction]:
    """One printed negative-list item → its deductions (several when it lists several items)."""
    mark = parse_mark(line)
    if mark is None:
        return []
    number = mark.number
    body = ascii_digits(squash(mark.rest))
    out: list[Deduction] = []
    for m in _RULES.finditer(body):
        bound = max(body.rfind(c, 0, m.start()) for c in "；;()（）")
        raw_item = body[bound + 1 : m.start()]
        if not raw_item:
            continue
        item = raw_item.strip("，,、；; ")
        rules_text = m.group("rules")
        th = _THRESHOLD.match(item)
        if (th and _STEP.search(rules_text)) or (th and "超过" in rules_text):
            out.append(
                Deduction(id=number, item=th.group("metric"), rules=(_threshold_rule(th, rules_text),))
            )
            continue
        rules = tuple(
            DeductionRule(points=-float(r.group("pts")), per=r.group("per"), level=r.group("level"))
            for r in _LEVEL_RULE.finditer(rules_text)
        )
        if rules:
            out.append(Deduction(id=number, item=_clean_item(item, rules), rules=rules))
    return out


def _threshold_rule(th: re.Match[str], text: str) -> DeductionRule:
    op = {"超过": ">", "高于": ">", "低于": "<", "≥": ">=", "≤": "<="}.get(th.group("op"), th.group("op"))
    first = _LEVEL_RULE.search(text)
    step = _STEP.search(text)
    cap = _CAP.search(text)
    step_value = None
    if step:
        raw = step.group("step")
        # OCR drops the point of "0.1" as "01": a leading zero means a decimal.
        step_value = (
            float("0." + raw[1:]) if len(raw) > 1 and raw.startswith("0") and "." not in raw else float(raw)
        )
    cap_value = None
    if cap:
        cap_value = -float(cap.group("cap") or cap.group("cap2"))
    return DeductionRule(
        points=-float(first.group("pts")) if first else 0.0,
        threshold=f"{op}{th.group('val')}",
        step=step_value,
        step_points=-float(step.group("pts")) if step else None,
        cap=cap_value,
    )


def _clean_item(item: str, rules: tuple[DeductionRule, ...]) -> str:
    # "特别重大、重大群体性事件" keeps its printed levels; nothing to strip but stray marks.
    return item.strip("，,、 ")
