"""The extracted plan: frozen dataclasses that serialize to the `duban.plan/1` JSON shape.

The shape is defined in ../shared/corpus/ANNOTATION.md; `Plan.to_dict()` gives exactly it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA = "duban.plan/1"
# Below this confidence a task is shown to the clerk first, marked as uncertain.
UNCERTAIN = 0.7

Comparator = Literal[">=", "<=", ">", "<", "="]
Change = Literal["increase", "decrease"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Target:
    """A quantitative commitment: "到2015年，调处成功率达95%" → (调处成功率, >=, 95, %, None, 2015)."""

    metric: str
    cmp: Comparator
    value: float
    unit: str | None = None
    change: Change | None = None
    by: str | None = None

    def key(self) -> tuple[str, float, str | None, str | None]:
        return (self.cmp, self.value, self.unit, self.change)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "cmp": self.cmp,
            "value": _number(self.value),
            "unit": self.unit,
            "change": self.change,
            "by": self.by,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Target:
        return cls(
            metric=str(d.get("metric") or ""),
            cmp=d["cmp"],
            value=float(d["value"]),
            unit=d.get("unit"),
            change=d.get("change"),
            by=None if d.get("by") is None else str(d["by"]),
        )


@dataclass(frozen=True)
class Task:
    id: str
    path: tuple[str, ...]
    text: str
    title: str | None = None
    units: tuple[str, ...] = ()
    # None where the document does not say which units lead (then only `units` is meaningful).
    lead: tuple[str, ...] | None = None
    partners: tuple[str, ...] | None = None
    points: float | None = None
    deadline: str | None = None
    deadline_text: str | None = None
    targets: tuple[Target, ...] = ()
    # Where the task starts in the source ("line 12", "Sheet1!A7"), for messages.
    where: str | None = None
    # How the task was recognized ("outline:clause-labels", "table:header" …) and how sure that
    # form is (0–1): the clerk reviews the least sure first.
    rule: str | None = None
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "units": list(self.units),
            "lead": None if self.lead is None else list(self.lead),
            "partners": None if self.partners is None else list(self.partners),
            "points": _number(self.points),
            "deadline": self.deadline,
            "deadline_text": self.deadline_text,
            "targets": [t.to_dict() for t in self.targets],
            "confidence": None if self.confidence is None else round(self.confidence, 2),
            "rule": self.rule,
        }

    @property
    def uncertain(self) -> bool:
        """Recognized by a form that deserves a second look, or with no unit."""
        return (self.confidence is not None and self.confidence < UNCERTAIN) or not self.units

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Task:
        def opt(key: str) -> tuple[str, ...] | None:
            v = d.get(key)
            return None if v is None else tuple(str(x) for x in v)

        return cls(
            id=str(d["id"]),
            path=tuple(str(p) for p in d.get("path") or ()),
            text=str(d.get("text") or ""),
            title=d.get("title"),
            units=tuple(str(u) for u in d.get("units") or ()),
            lead=opt("lead"),
            partners=opt("partners"),
            points=None if d.get("points") is None else float(d["points"]),
            deadline=d.get("deadline"),
            deadline_text=d.get("deadline_text"),
            targets=tuple(Target.from_dict(t) for t in d.get("targets") or ()),
            rule=d.get("rule"),
            confidence=None if d.get("confidence") is None else float(d["confidence"]),
        )


@dataclass(frozen=True)
class DeductionRule:
    """One arithmetic rule of a negative-list item.

    Per incident: points=-30, per="件", level="特别重大".  Rate threshold with steps and a cap:
    threshold=">0.6", points=-20, step=0.1, step_points=-10, cap=-50.
    """

    points: float
    per: str | None = None
    level: str | None = None
    threshold: str | None = None
    step: float | None = None
    step_points: float | None = None
    cap: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.level is not None:
            d["level"] = self.level
        if self.threshold is not None:
            d["threshold"] = self.threshold
        d["points"] = _number(self.points)
        if self.per is not None:
            d["per"] = self.per
        if self.step is not None:
            d["step"] = _number(self.step)
        if self.step_points is not None:
            d["step_points"] = _number(self.step_points)
        if self.cap is not None:
            d["cap"] = _number(self.cap)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeductionRule:
        def f(key: str) -> float | None:
            return None if d.get(key) is None else float(d[key])

        return cls(
            points=float(d["points"]),
            per=d.get("per"),
            level=d.get("level"),
            threshold=d.get("threshold"),
            step=f("step"),
            step_points=f("step_points"),
            cap=f("cap"),
        )


@dataclass(frozen=True)
class Deduction:
    id: str
    item: str
    rules: tuple[DeductionRule, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "item": self.item, "rules": [r.to_dict() for r in self.rules]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Deduction:
        return cls(
            id=str(d["id"]),
            item=str(d["item"]),
            rules=tuple(DeductionRule.from_dict(r) for r in d.get("rules") or ()),
        )


@dataclass(frozen=True)
class Warning:
    """A defect of the document itself (see duban.extract.lint)."""

    code: str
    message: str
    task: str | None = None
    severity: Severity = "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "task": self.task, "message": self.message, "severity": self.severity}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Warning:
        return cls(
            code=str(d["code"]),
            message=str(d.get("message") or ""),
            task=d.get("task"),
            severity=d.get("severity") or "warning",
        )


@dataclass(frozen=True)
class Plan:
    source: str | None
    tasks: tuple[Task, ...]
    title: str | None = None
    doc_number: str | None = None
    date: str | None = None
    total_points: float | None = None
    deductions: tuple[Deduction, ...] = ()
    warnings: tuple[Warning, ...] = ()
    # Further responsibility lists bundled in the same document, each with its own title and
    # total (a city list and a provincial special list printed together): one plan each.
    parts: tuple[Plan, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": SCHEMA,
            "source": self.source,
            "title": self.title,
            "doc_number": self.doc_number,
            "date": self.date,
            "total_points": _number(self.total_points),
            "tasks": [t.to_dict() for t in self.tasks],
            "deductions": [x.to_dict() for x in self.deductions],
            "warnings": [w.to_dict() for w in self.warnings],
            "summary": self.summary,
        }
        if self.parts:
            d["parts"] = [p.to_dict() for p in self.parts]
        return d

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        if d.get("schema") not in (None, SCHEMA):
            raise ValueError(f"unknown schema {d.get('schema')!r}, expected {SCHEMA!r}")
        return cls(
            source=d.get("source"),
            title=d.get("title"),
            doc_number=d.get("doc_number"),
            date=d.get("date"),
            total_points=None if d.get("total_points") is None else float(d["total_points"]),
            tasks=tuple(Task.from_dict(t) for t in d.get("tasks") or ()),
            deductions=tuple(Deduction.from_dict(x) for x in d.get("deductions") or ()),
            warnings=tuple(Warning.from_dict(w) for w in d.get("warnings") or ()),
            parts=tuple(Plan.from_dict(p) for p in d.get("parts") or ()),
        )

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.from_dict(json.loads(text))

    @property
    def summary(self) -> str:
        """ "识别出 48 项任务，其中 3 项未找到责任单位，2 项把握不大": what the clerk checks first."""
        tasks = [t for p in (self, *self.parts) for t in p.tasks]
        if not tasks:
            return "未识别出任务"
        no_unit = sum(1 for t in tasks if not t.units)
        unsure = sum(1 for t in tasks if t.units and t.uncertain)
        parts = [f"识别出 {len(tasks)} 项任务"]
        if no_unit:
            parts.append(f"其中 {no_unit} 项未找到责任单位")
        if unsure:
            parts.append(f"{'另有' if no_unit else '其中'} {unsure} 项识别把握不大，请核对")
        return "，".join(parts)

    @property
    def errors(self) -> tuple[Warning, ...]:
        return tuple(w for w in self.warnings if w.severity == "error")


def _number(v: float | None) -> int | float | None:
    """Whole numbers print as ints (18, not 18.0), as a clerk would type them."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v
