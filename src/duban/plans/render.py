"""The plan page's task tree as HTML, built in Python.

A 300-task plan is ~250 KB of HTML; Django's template engine spends most of the page's time on
it. Every piece of document text goes through `escape` here, exactly as autoescape would.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from duban.plans.tree import Line, TaskRow

NOBODY_REPORTS = "无报送单位：没有牵头或责任单位，不计入各期应报送数"


def _task(row: TaskRow) -> str:
    t = row.task
    out = [
        f'<li class="task" id="task-{t.pk}"><div class="task-head">'
        f'<a class="task-no" href="{escape(row.url)}">{escape(t.number)}</a>'
    ]
    if t.title:
        out.append(f" <strong>{escape(t.title)}</strong>")
    if row.points:
        out.append(f' <span class="tag">{escape(row.points)} 分</span>')
    out.append("</div>")
    if t.text:
        out.append(f'<div class="task-text">{escape(t.text).replace(chr(10), "<br>")}</div>')
    if row.units:
        units = "".join(
            f'<span class="unit"><span class="tag {escape(role)}">{escape(label)}</span>{escape(name)}</span>'
            for role, label, name in row.units
        )
        out.append(f'<div class="units">{units}</div>')
    if row.reporters:
        out.append(f'<div class="reporters muted">报送单位：{escape("、".join(row.reporters))}</div>')
    else:
        out.append(f'<div class="reporters late">{NOBODY_REPORTS}</div>')
    if row.targets:
        out.append('<ul class="targets">' + "".join(f"<li>{escape(x)}</li>" for x in row.targets) + "</ul>")
    if t.deadline_text or t.deadline:
        shown = t.deadline_text or (t.deadline.isoformat() if t.deadline else "")
        out.append(f'<div class="deadline muted">完成时限：{escape(shown)}</div>')
    out.append("</li>")
    return "".join(out)


def task_tree_html(lines: Iterable[Line]) -> SafeString:
    parts: list[str] = []
    for line in lines:
        if line.kind == "open" and line.node is not None and line.node.section is not None:
            parts.append(
                f'<details open class="section"><summary>{escape(line.node.section.title)} '
                f'<span class="muted">（{line.node.count} 项）</span></summary>'
            )
        elif line.kind == "close":
            parts.append("</details>")
        elif line.kind == "tasks":
            parts.append('<ol class="tasks">')
        elif line.kind == "end_tasks":
            parts.append("</ol>")
        elif line.row is not None:
            parts.append(_task(line.row))
    return mark_safe("".join(parts))  # every piece of text above is escaped
