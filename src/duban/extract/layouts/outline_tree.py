"""The outline's tree: a numbered item (Node) with its lines, units and children, and what is
asked of an item's place in the tree (its path, its parents' numbers, whether it stands under a
heading of duties, of tasks, or of the preamble). Used by outline.py, which builds the tree from
the lines fed to it, and outline_settle.py, which reads each item's own lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duban.extract.layouts import duties
from duban.extract.normalize import squash
from duban.extract.roles import Resp
from duban.extract.segment import Mark
from duban.extract.units import directory, leading_name, opens_like_a_name, split_units

_POINTS = re.compile(r"[（(]\s*(?P<p>\d+(?:\.\d+)?)\s*分\s*[）)]")
_SENTENCE = re.compile(r"[。；;！!？]")
_UNIT_HEADING_TAIL = re.compile(
    r"(?:[（(]\d+项[）)])?(?:目标责任书|目标责任|责任目标|工作目标|目标任务|工作任务|主要任务|重点任务|工作职责|主要职责|职责|任务清单|"
    r"责任清单|任务|工作责任|安全责任)$"
)
# Sections that say why and how, not what: never tasks of a document that names no unit.
_PREAMBLE = re.compile(
    r"^(?:指导思想|总体思路|总体要求|基本原则|工作原则|发展目标|主要目标|总体目标|工作目标|规划目标|目标任务|基本步骤|"
    r"实施步骤|工作步骤|进度安排|时间安排|实施范围|适用范围|编制依据|背景|现状)"
)
# Sections that say they hold the plan's tasks.
_TASK_SECTION = re.compile(
    r"主要任务|重点任务|工作任务|主要措施|工作措施|重点工作|重点举措|主要举措|具体措施|行动任务"
)
_ARTICLE_TITLE = re.compile(r"^[（(](?P<t>[^（）()]{1,12})[）)]\s*")
DUTY_HEADING = re.compile(r"职责|职能|分工|责任分工")


@dataclass
class Node:
    mark: Mark | None
    prefix: str  # the printed numbering mark, whitespace and stray "?" removed
    heading: str | None  # a short heading line ("完善党委领导体制"), points removed
    where: str
    seq: int
    parent: Node | None = None
    lines: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    resp: Resp = field(default_factory=list)
    deadline_text: str | None = None
    points: float | None = None
    unit_heading: list[str] | None = None
    rule: str = ""  # how its units were found

    @property
    def style(self) -> str:
        return self.mark.style if self.mark else ""

    @property
    def number(self) -> str | None:
        return self.mark.number if self.mark else None

    def own_text(self) -> str:
        return squash("".join(self.lines))

    def full_text(self) -> str:
        return self.own_text() + "".join(c.full_text() for c in self.children)

    def display(self) -> str:
        """The node as a path element: "一、推进市域社会治理体制现代化"."""
        if self.heading is not None:
            return self.prefix + self.heading
        if self.style == "第条":
            return self.prefix  # an article is named by its number ("第三条"), not its first words
        first = _SENTENCE.split(self.own_text(), maxsplit=1)[0]
        return self.prefix + first

    def descendants(self) -> list[Node]:
        out = []
        for c in self.children:
            out.append(c)
            out.extend(c.descendants())
        return out

    def add_resp(self, resp: Resp, rule: str) -> None:
        self.resp.extend((role, list(units)) for role, units in resp)  # clauses are shared
        if resp and not self.rule:
            self.rule = rule


def take_points(node: Node, s: str) -> str:
    """ "…（0.5分）": the item's points, wherever they stand in its text."""
    m = _POINTS.search(s)
    if m is None or node.points is not None:
        return s
    node.points = float(m.group("p"))
    return (s[: m.start()] + s[m.end() :]).strip()


def take_article_title(node: Node, rest: str) -> str:
    """ "第六条（部门职责）…": the bracket names the article; the body follows it."""
    if not node.style.startswith("第"):
        return rest
    m = _ARTICLE_TITLE.match(rest)
    if m is None:
        return rest
    node.heading = m.group(0).strip()  # printed with its brackets: "第六条（部门职责）"
    return rest[m.end() :].strip()


def num(n: Node) -> str:
    return str(n.mark.value) if n.mark and n.mark.value is not None else (n.number or "")


def has_chosen_ancestor(n: Node, chosen: dict[int, Node]) -> bool:
    p = n.parent
    while p is not None:
        if id(p) in chosen:
            return True
        p = p.parent
    return False


def in_task_section(n: Node) -> bool:
    p: Node | None = n.parent
    while p is not None and p.mark is not None:
        if _TASK_SECTION.search(p.display()):
            return True
        p = p.parent
    return False


def in_preamble(n: Node) -> bool:
    p: Node | None = n
    while p is not None and p.mark is not None:
        if p.heading and _PREAMBLE.match(p.heading):
            return True
        p = p.parent
    return False


def in_duty_context(n: Node) -> bool:
    p: Node | None = n
    while p is not None and p.mark is not None:
        if p.heading and DUTY_HEADING.search(p.heading):
            return True
        p = p.parent
    return False


def path_of(n: Node) -> list[str]:
    out = []
    p = n.parent
    while p is not None and p.mark is not None:
        out.append(p.display())
        p = p.parent
    return out[::-1]


def parent_numbers(n: Node) -> list[str]:
    out = []
    p = n.parent
    while p is not None and p.mark is not None:
        out.append(p.number or "")
        p = p.parent
    return out[::-1]


def is_heading(rest: str) -> bool:
    """A short line without a sentence inside: a heading, its body follows on other lines."""
    s = squash(rest)
    if not s:
        return True
    if len(s) > 60 or s.endswith(("。", "；", ";")):
        return False  # a finished sentence is the item's text, not a heading over text below
    inner = _SENTENCE.search(s.rstrip("。；;"))
    return inner is None


def heading_units(heading: str) -> list[str] | None:
    """ "市公安局目标责任", "各街镇（经开区）消防工作责任", "区委、区政府各部委办局在各自职责范围内
    履行下列共同职责" → the bodies whose items follow."""
    m = _UNIT_HEADING_TAIL.search(heading)
    if not m or m.start() == 0:
        return None
    units = split_units(heading[: m.start()])
    d = directory()
    if len(units) == 1 and not units[0].startswith(("相关", "有关")) and d.looks_like_unit(units[0]):
        return units if duties.is_government(units[0]) else None
    # "各街镇（经开区）消防工作责任": the body, then what the duties are about.
    name = leading_name(heading[: m.start()])
    if name and opens_like_a_name(name):
        return [name] if duties.is_government(name) else None
    return duties.subjects(heading) or None
