"""`duban extract --explain`: for each task, where it came from and the rule that made it."""

from __future__ import annotations

from duban.extract.model import Plan, Task

# The rules in words a clerk reads (the rule's own name stays beside it for developers).
RULES = {
    "outline:fields": "条目下的“牵头单位：…”等字段",
    "outline:clause-labels": "条目中括号内的字段（牵头单位：…）",
    "outline:clause-verbs": "条目中括号内的分工表述（…牵头，…配合）",
    "outline:clause-list": "条目末尾括号内的单位名单",
    "outline:paragraph-clause": "标题下的段落，各以自己的分工括号结尾",
    "outline:unit-cells": "条目下单独成行的单位名单",
    "outline:unit-heading": "单位标题下的条目（如“市公安局目标责任”）",
    "outline:duty": "职责表述（“X负责…”“…由X负责”）",
    "outline:same-numbering-as-tasks": "与其他任务同级编号，但未写明单位",
    "outline:narrative-measure": "叙述文字中的“一是…二是…”",
    "outline:narrative-item": "无单位文件中的最小编号条目",
    "table:header": "表格（按表头识别列）",
    "tab-rows:header": "制表符分隔的表格行",
    "spaced-rows:content": "空格分隔的表格行（按内容识别列）",
    "cells:serial-rows": "拆散为逐格文字的表格（按序号识别行）",
    "cells:glued": "粘连在一起的表格文字（按内容拆分单元格）",
    "cells:units-from-row-above": "表格行未写单位，沿用上一行（合并单元格）",
}


def explain(plan: Plan) -> str:
    lines = [f"{plan.source or ''}：{plan.summary}"]
    for part in (plan, *plan.parts):
        if part is not plan:
            lines.append(f"—— {part.title or '附件'} ——")
        for task in sorted(part.tasks, key=lambda t: (t.confidence or 0) if t.uncertain else 2):
            lines.append(_task(task))
    return "\n".join(lines) + "\n"


def _task(t: Task) -> str:
    rule = t.rule or ""
    sure = "" if t.confidence is None else f"{t.confidence:.2f}"
    flag = "？" if t.uncertain else " "
    units = "、".join(t.units) or "（未找到责任单位）"
    excerpt = (t.title or t.text)[:40]
    return (
        f"{flag} 任务 {t.id}  {t.where or ''}  置信度 {sure}  {RULES.get(rule, rule)} [{rule}]\n"
        f"    {excerpt}\n    单位：{units}"
    )
