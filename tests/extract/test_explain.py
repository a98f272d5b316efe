"""Where the engine is unsure, it says so: each task's rule and confidence, the plan's summary,
and `duban extract --explain` listing the least sure first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from duban.extract import Plan, extract
from duban.extract.explain import RULES, explain

DOC = """XX市城市更新重点任务分解方案
一、重点任务
1、推进老旧小区改造，年内完成100个。（牵头单位：市住房城乡建设委；配合单位：各区政府）
2、实施燃气管道更新。（市建设管理委牵头负责，各区政府组织落实）
3、开展社区生活圈建设。
"""


def test_it_gives_each_task_the_rule_that_made_it_and_a_confidence() -> None:
    tasks = {t.id: t for t in extract(DOC).tasks}
    assert tasks["1"].rule == "outline:clause-labels" and tasks["1"].confidence == 0.95
    assert tasks["2"].rule == "outline:clause-verbs" and tasks["2"].confidence == 0.9
    assert tasks["3"].rule == "outline:same-numbering-as-tasks"
    assert tasks["3"].confidence is not None and tasks["3"].confidence < 0.7
    assert [t.id for t in extract(DOC).tasks if t.uncertain] == ["3"]


def test_it_sums_up_what_the_clerk_should_check() -> None:
    plan = extract(DOC)
    assert plan.summary == "识别出 3 项任务，其中 1 项未找到责任单位"
    assert plan.to_dict()["summary"] == plan.summary
    assert extract("这是一段没有任何任务的文字。").summary == "未识别出任务"


def test_it_keeps_rule_and_confidence_through_json() -> None:
    plan = extract(DOC)
    again = Plan.from_json(plan.to_json())
    assert [(t.rule, t.confidence) for t in again.tasks] == [(t.rule, t.confidence) for t in plan.tasks]


def test_it_explains_the_least_sure_task_first_in_words() -> None:
    text = explain(extract(DOC))
    lines = text.splitlines()
    assert lines[0].endswith("识别出 3 项任务，其中 1 项未找到责任单位")
    assert lines[1].startswith("？ 任务 3")  # the unsure one first, flagged
    assert RULES["outline:clause-labels"] in text and "[outline:clause-labels]" in text
    assert "（未找到责任单位）" in text


def test_it_explains_from_the_command_line(tmp_path: Path) -> None:
    doc = tmp_path / "方案.txt"
    doc.write_text(DOC, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "duban", "extract", str(doc), "--explain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith("方案.txt：识别出 3 项任务")
    assert "任务 1  line 3" in out
