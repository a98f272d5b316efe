"""Reading an item's own lines once the outline is fed: the role clauses in them (their units
join the item's, the clauses leave its text), paragraphs each closed by their own clause (tasks of
their own), lists folded into the article that holds them, and duty statements ("X负责…") where
no clause names units.
"""

from __future__ import annotations

import re

from duban.extract.layouts import duties
from duban.extract.layouts.outline_tree import Node, in_duty_context
from duban.extract.roles import Clause, find_clauses
from duban.extract.segment import Mark


def settle(n: Node) -> None:
    """Read the role clauses in a node's own lines: their units join the node's (every clause
    counts, wherever it stands), the clauses leave its text.  Under a heading, or at the top,
    paragraphs each closed by their own clause are tasks of their own, numbered in order."""
    if not n.lines or (n.mark is not None and n.mark.style == "duty"):
        return
    read = [_read_line(line) for line in n.lines]
    closed = sum(1 for _, clauses, ends in read if ends)
    if (n.heading is not None or n.mark is None) and closed >= 2 and not n.children:
        for k, (text, clauses) in enumerate(_paragraphs(read), 1):
            mark = Mark(style="paragraph", number=str(k), value=k, rest=text)
            child = Node(mark=mark, prefix="", heading=None, where=n.where, seq=n.seq, parent=n, lines=[text])
            for c in clauses:
                child.add_resp(c.resp, "outline:paragraph-clause")
                child.deadline_text = c.deadline or child.deadline_text
                child.points = c.points if child.points is None else child.points
            n.children.append(child)
        n.lines = []
        return
    for _, clauses, _ends in read:
        for c in clauses:
            n.add_resp(c.resp, f"outline:clause-{c.form}" if c.form != "date" else "")
            n.deadline_text = c.deadline or n.deadline_text
            if n.points is None:
                n.points = c.points
    n.lines = [text for text, _, _ in read]
    if not n.resp and not n.children:
        _read_duties(n)


def fold_sub_lists(article: Node) -> None:
    """Numbered lists inside an article (申报条件 1. 2. …, a 管理人's duties (一)(二)…) are its
    text, unless they give bodies their duties ("（一）市财政局负责…") or carry clauses."""
    if not article.children or article.unit_heading:
        return  # "第四条 各街道办事处履行下列职责：（一）…": the list is the body's duties
    items = article.descendants()
    if any(find_clauses("".join(c.lines)) or duties.subjects("".join(c.lines)[:80]) for c in items):
        return
    if article.heading and not article.lines:
        article.lines.append(article.heading)  # "第十一条 管理人应当履行下列职责：" is its text
        article.heading = None
    article.lines.extend(c.full_text() for c in article.children)
    article.children = []


def _read_duties(n: Node) -> None:
    """Where no clause names units, a duty statement may: an article that gives bodies their
    fields of work ("第四条 X主管…。/ Y负责…", "第十二条 …的绿化由X负责。") is a task, or a list
    of tasks, one a paragraph; an item under a heading of duties (部门职责, 分工职责) is its
    subject's."""
    if n.style == "第条":
        if any(duties.subjects(line, allocating=True) for line in n.lines):
            owners = [duties.subjects(line) for line in n.lines]
            if len(n.lines) == 1 or (sum(1 for o in owners if o) == 1 and owners[0]):
                n.add_resp([("responsible", owners[0])], "outline:duty")
            else:
                _duty_paragraphs(n, owners)
        return
    if in_duty_context(n) and n.lines:
        first = re.split(r"(?<=[。；;])", n.lines[0], maxsplit=1)[0]
        owner = duties.subjects(first)
        if owner:
            n.add_resp([("responsible", owner)], "outline:duty")


def _duty_paragraphs(n: Node, owners: list[list[str]]) -> None:
    for line, owner in zip(n.lines, owners, strict=True):
        if not owner and n.children:
            n.children[-1].lines.append(line)  # the duty goes on
            continue
        k = len(n.children) + 1
        mark = Mark(style="duty", number=str(k), value=k, rest=line)
        child = Node(mark=mark, prefix="", heading=None, where=n.where, seq=n.seq, parent=n, lines=[line])
        child.add_resp([("responsible", owner)] if owner else [], "outline:duty")
        n.children.append(child)
    n.lines = []


def _read_line(line: str) -> tuple[str, list[Clause], bool]:
    """A line's text without its clauses, the clauses, and whether one closes the line."""
    found = find_clauses(line)
    if not found:
        return line, [], False
    text, pos = "", 0
    for f in found:
        text += line[pos : f.start]
        pos = f.end
    text += line[pos:]
    ends = not line[found[-1].end :].strip(" 。.；;") and any(f.clause.resp for f in found)
    return text.strip(), [f.clause for f in found], ends


def _paragraphs(read: list[tuple[str, list[Clause], bool]]) -> list[tuple[str, list[Clause]]]:
    """Lines not closed by a clause belong to the paragraph they continue (or open)."""
    out: list[tuple[str, list[Clause]]] = []
    pending, pending_clauses = "", list[Clause]()
    for text, clauses, ends in read:
        if ends:
            out.append((pending + text, pending_clauses + clauses))
            pending, pending_clauses = "", []
        elif out:
            out[-1] = (out[-1][0] + text, out[-1][1] + clauses)
        else:
            pending, pending_clauses = pending + text, pending_clauses + clauses
    return out
