"""Every assessment write: do_<verb>_<noun>(…, *, acting_user), atomic, audited in the same
transaction. Each checks who may do it and what the data allows before writing anything, so a
refused action (AssessmentError, with a message in Chinese) changes nothing.

The life of an assessment: a scheme is made from a plan (DRAFT), edited, activated; an assessment
is run as of a date (OPEN) and run again after grades and incidents are entered; it is closed
(定稿: its results no longer change with later reports), published (units see the ranking), and
may be reopened with a reason. A unit may appeal its result of a closed or published assessment;
while the appeal is open, the office may correct that unit's grades and incidents, and accepting
the appeal recomputes that unit's result (as of the same date) and the ranks. Publishing, filing
an appeal and deciding one tell those concerned (notices.py) once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from duban.assessment import engine, notices, storage
from duban.assessment.engine import AssessmentError
from duban.assessment.models import (
    Appeal,
    AppealStatus,
    Assessed,
    Assessment,
    AssessmentStatus,
    BonusItem,
    DeductionRule,
    Incident,
    IncidentKind,
    ManualGrade,
    Method,
    Result,
    Scheme,
    SchemeItem,
    SchemeStatus,
    VetoItem,
)
from duban.assessment.scoring import Rule
from duban.audit.record import record
from duban.clock import now, today
from duban.evidence import EvidenceRejected, check_evidence, file_name, store_file
from duban.notifications.notify import send_on_commit
from duban.plans.access import can_manage
from duban.plans.models import Plan, Section, Target, Task
from duban.units.models import Unit

__all__ = [
    "AssessmentError", "do_activate_scheme", "do_add_bonus", "do_add_deduction_rule", "do_add_item", "do_add_veto",
    "do_close_assessment", "do_create_scheme_from_plan", "do_decide_appeal", "do_file_appeal", "do_grade_item",
    "do_publish_assessment", "do_record_incident", "do_remove_incident", "do_remove_item",
    "do_reopen_assessment", "do_run_assessment", "do_update_item", "do_update_scheme",
]  # fmt: skip

CENT = Decimal("0.01")
FINAL = (AssessmentStatus.CLOSED, AssessmentStatus.PUBLISHED)


def _require_manager(plan: Plan, acting_user: Any, what: str) -> None:
    if acting_user is None or not can_manage(acting_user, plan):
        raise AssessmentError(f"无权{what}：只有方案管理员可以{what}")


def _decimal(
    value: Any, what: str, *, low: Decimal | None = Decimal(0), high: Decimal | None = None
) -> Decimal:
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        d = Decimal("NaN")
    if not d.is_finite() or abs(d) >= Decimal(10) ** 7:
        raise AssessmentError(f"{what}应为数字，而不是“{value}”")
    if low is not None and d < low:
        raise AssessmentError(f"{what}不能小于 {low:g}（而不是 {d:g}）")
    if high is not None and d > high:
        raise AssessmentError(f"{what}不能大于 {high:g}（而不是 {d:g}）")
    return d


def _text(value: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise AssessmentError(f"请填写{what}")
    if len(value) > limit:
        raise AssessmentError(f"{what}过长（{len(value)} 字，上限 {limit} 字）")
    return value


def _editable(scheme: Scheme) -> Assessment | None:
    """A scheme is not changed under a closed or published assessment: its results must stay
    explainable by the scheme they were computed from. Returns the open assessment, if any."""
    assessment = Assessment.objects.filter(scheme=scheme).first()
    if assessment is not None and assessment.status in FINAL:
        raise AssessmentError(
            f"“{scheme}”的考核已{assessment.get_status_display()}，请先重新打开考核再修改考核方案"
        )
    return assessment


def _mark_stale(assessment: Assessment | None) -> None:
    if assessment is not None and assessment.status == AssessmentStatus.OPEN and not assessment.stale:
        Assessment.objects.filter(pk=assessment.pk).update(stale=True)
        assessment.stale = True


# ---------------------------------------------------------------------------------------------
# Schemes


def _root_titles(plan_ids: Sequence[int]) -> dict[int, str]:
    """Section id → the title of its top-level section."""
    rows = {pk: (parent, title) for pk, parent, title in
            Section.objects.filter(plan_id__in=plan_ids).values_list("pk", "parent_id", "title")}  # fmt: skip
    out = {}
    for pk in rows:
        at = pk
        while rows[at][0] is not None and rows[at][0] in rows:
            at = rows[at][0]
        out[pk] = rows[at][1]
    return out


def _item_points(tasks: Sequence[Task], total: Decimal | None) -> list[Decimal]:
    """The tasks' own points; tasks without points share what the plan's total leaves (evenly, the
    last one taking the rounding), as in a guide that gives only its total (江西省特色工作指引 100 分)."""
    known = sum((t.points for t in tasks if t.points is not None), Decimal(0))
    missing = [i for i, t in enumerate(tasks) if t.points is None]
    out = [t.points if t.points is not None else Decimal(0) for t in tasks]
    left = (total or Decimal(0)) - known
    if missing and left > 0:
        each = (left / len(missing)).quantize(CENT, rounding="ROUND_DOWN")
        for i in missing:
            out[i] = each
        out[missing[-1]] = left - each * (len(missing) - 1)
    return out


@transaction.atomic
def do_create_scheme_from_plan(
    plan: Plan,
    *,
    period_label: str,
    period_start: dt.date,
    period_end: dt.date,
    name: str = "",
    assessed: str = Assessed.LEAD,
    include_children: bool = False,
    partner_coefficient: Any = 0,
    late_fraction: Any = "0.5",
    bonus_cap: Any = None,
    acting_user: Any,
) -> Scheme:
    """A scheme from the plan's own points: one item per task (method COMPLETION), sections as in
    the plan, the plan's negative list as deduction rules. With include_children, each current
    child plan (a list bundled in the same document) becomes a section of its own."""
    _require_manager(plan, acting_user, "创建考核方案")
    period_label = _text(period_label, "考核期", 64)
    if period_end < period_start:
        raise AssessmentError(f"考核期结束日期 {period_end} 早于开始日期 {period_start}")
    if assessed not in Assessed.values:
        raise AssessmentError(f"未知的考核对象“{assessed}”")
    plans = [plan]
    if include_children:
        plans += list(Plan.objects.filter(parent=plan, is_current=True).order_by("created_at", "id"))
    scheme = Scheme.objects.create(
        plan=plan, name=(name.strip() or f"{plan.title} {period_label}考核")[:200], period_label=period_label,
        period_start=period_start, period_end=period_end, assessed=assessed,
        partner_coefficient=_decimal(partner_coefficient, "配合单位系数", high=Decimal(1)),
        late_fraction=_decimal(late_fraction, "逾期完成得分比例", high=Decimal(1)),
        bonus_cap=None if bonus_cap in (None, "") else _decimal(bonus_cap, "加分上限"),
        created_at=now(), created_by=acting_user,
    )  # fmt: skip
    roots = _root_titles([p.pk for p in plans])
    items: list[SchemeItem] = []
    rules: list[DeductionRule] = []
    for part in plans:
        tasks = list(Task.objects.filter(plan=part).order_by("order", "id"))
        points = _item_points(tasks, part.total_points)
        for task, pts in zip(tasks, points, strict=True):
            section = roots.get(task.section_id, "") if task.section_id and part == plan else part.title
            items.append(SchemeItem(
                scheme=scheme, task=task, section=section[:200], number=task.number,
                name=(task.title or task.text[:60] or task.number)[:300], max_points=pts, order=len(items),
            ))  # fmt: skip
        for d in part.deductions.all().order_by("order"):
            rules.append(
                DeductionRule(scheme=scheme, number=d.number, item=d.item, rules=d.rules, order=len(rules))
            )
    SchemeItem.objects.bulk_create(items)
    DeductionRule.objects.bulk_create(rules)
    total = sum((i.max_points for i in items), Decimal(0))
    record(
        acting_user,
        "create_scheme",
        scheme,
        summary=f"创建考核方案 {scheme.name}（{len(items)} 项，{total:g} 分，负面清单 {len(rules)} 条）",
        after={
            "plan": plan.pk,
            "plans": [p.pk for p in plans],
            "items": len(items),
            "points": str(total),
            "rules": len(rules),
            "assessed": assessed,
            "period": [str(period_start), str(period_end)],
        },
    )
    return scheme


SCHEME_FIELDS = ("name", "period_label", "period_start", "period_end", "assessed", "partner_coefficient",
                 "grade_bands", "lowest_grade", "late_fraction", "bonus_cap")  # fmt: skip


def _check_bands(bands: Any) -> list[dict[str, str]]:
    if not isinstance(bands, list) or not bands:
        raise AssessmentError("等次设置应为从高到低的若干档：最低得分率（%）与等次名称")
    out, last = [], None
    for n, band in enumerate(bands, 1):
        if not isinstance(band, Mapping) or not str(band.get("grade") or "").strip():
            raise AssessmentError(f"第 {n} 档：请填写等次名称")
        low = _decimal(band.get("min"), f"第 {n} 档的最低得分率", high=Decimal(1000))
        if last is not None and low >= last:
            raise AssessmentError(f"第 {n} 档：最低得分率应低于上一档（{last:g}）")
        last = low
        out.append({"min": f"{low:g}", "grade": str(band["grade"]).strip()[:16]})
    return out


@transaction.atomic
def do_update_scheme(scheme: Scheme, *, acting_user: Any, **changes: Any) -> Scheme:
    """Change the scheme's settings (SCHEME_FIELDS)."""
    _require_manager(scheme.plan, acting_user, "修改考核方案")
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:
        raise AssessmentError(f"不能修改：{'、'.join(sorted(unknown))}")
    assessment = _editable(scheme)
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key in ("name", "period_label", "lowest_grade"):
            clean[key] = _text(
                value,
                {"name": "名称", "period_label": "考核期", "lowest_grade": "最低等次"}[key],
                {"name": 200, "period_label": 64, "lowest_grade": 16}[key],
            )
        elif key == "assessed":
            if value not in Assessed.values:
                raise AssessmentError(f"未知的考核对象“{value}”")
            clean[key] = value
        elif key in ("partner_coefficient", "late_fraction"):
            clean[key] = _decimal(
                value, "配合单位系数" if key == "partner_coefficient" else "逾期完成得分比例", high=Decimal(1)
            )
        elif key == "bonus_cap":
            clean[key] = None if value in (None, "") else _decimal(value, "加分上限")
        elif key == "grade_bands":
            clean[key] = _check_bands(value)
        else:
            clean[key] = value
    start, end = clean.get("period_start", scheme.period_start), clean.get("period_end", scheme.period_end)
    if end < start:
        raise AssessmentError(f"考核期结束日期 {end} 早于开始日期 {start}")
    before = {k: _plain(getattr(scheme, k)) for k in clean}
    for key, value in clean.items():
        setattr(scheme, key, value)
    scheme.save(update_fields=list(clean))
    _mark_stale(assessment)
    record(
        acting_user,
        "update_scheme",
        scheme,
        summary=f"修改考核方案 {scheme.name}：{'、'.join(clean)}",
        before=before,
        after={k: _plain(v) for k, v in clean.items()},
    )
    return scheme


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, Target | Task):
        return value.pk
    return value


@transaction.atomic
def do_activate_scheme(scheme: Scheme, *, acting_user: Any) -> Scheme:
    """DRAFT → ACTIVE: the scheme is announced to the units and may be run."""
    _require_manager(scheme.plan, acting_user, "启用考核方案")
    if scheme.status == SchemeStatus.ACTIVE:
        raise AssessmentError("考核方案已启用")
    if not scheme.items.exists():
        raise AssessmentError("考核方案没有考核项目，不能启用")
    scheme.status = SchemeStatus.ACTIVE
    scheme.save(update_fields=["status"])
    record(
        acting_user,
        "activate_scheme",
        scheme,
        summary=f"启用考核方案 {scheme.name}",
        after={"status": scheme.status},
    )
    return scheme


ITEM_FIELDS = ("name", "section", "max_points", "method", "weight", "indicator_target", "bands", "criteria")


def _check_item(item: SchemeItem) -> None:
    """What an item must hold for its method to work."""
    if item.method == Method.COMPLETION and item.task_id is None:
        raise AssessmentError(f"{item}：按完成情况评分的项目须对应一项任务")
    if item.method == Method.INDICATOR:
        if item.indicator_target_id is None:
            raise AssessmentError(f"{item}：按指标评分的项目须选定一个量化指标")
        target = Target.objects.select_related("task").get(pk=item.indicator_target_id)
        if item.task_id is not None and target.task_id != item.task_id:
            raise AssessmentError(f"{item}：指标“{target}”不属于该项目的任务")
        conf = item.bands or {}
        if not isinstance(conf, Mapping):
            raise AssessmentError(f"{item}：档次设置格式不正确")
        last = None
        for n, band in enumerate(conf.get("bands") or [], 1):
            if not isinstance(band, list | tuple) or len(band) != 2:
                raise AssessmentError(f"{item}：第 {n} 档应为 [完成率, 得分比例]")
            reach = _decimal(band[0], f"{item}第 {n} 档的完成率", high=Decimal(1))
            _decimal(band[1], f"{item}第 {n} 档的得分比例", high=Decimal(1))
            if last is not None and reach >= last:
                raise AssessmentError(f"{item}：各档完成率应从高到低排列")
            last = reach
        if target.change and conf.get("baseline") is None and not conf.get("baselines"):
            raise AssessmentError(f"{item}：指标“{target}”按变化率考核，须设定基期值")
        for k, v in (conf.get("baselines") or {}).items():
            _decimal(v, f"{item}单位 {k} 的基期值", low=None)
    if item.method == Method.CHECKLIST:
        if not item.criteria:
            raise AssessmentError(f"{item}：按评分细则评分的项目须列出细则")
        total = Decimal(0)
        for n, c in enumerate(item.criteria, 1):
            if not isinstance(c, Mapping) or not str(c.get("name") or "").strip():
                raise AssessmentError(f"{item}：第 {n} 条细则须有名称")
            total += _decimal(c.get("points"), f"{item}第 {n} 条细则的分值")
        if total > item.points:
            raise AssessmentError(f"{item}：细则合计 {total:g} 分，超过项目分值 {item.points:g} 分")


@transaction.atomic
def do_update_item(item: SchemeItem, *, acting_user: Any, **changes: Any) -> SchemeItem:
    """Change an item (ITEM_FIELDS). Switching to INDICATOR picks the task's first target unless
    one is given."""
    scheme = item.scheme
    _require_manager(scheme.plan, acting_user, "修改考核项目")
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise AssessmentError(f"不能修改：{'、'.join(sorted(unknown))}")
    assessment = _editable(scheme)
    before = {k: _plain(getattr(item, k)) for k in changes}
    for key, value in changes.items():
        if key == "name":
            value = _text(value, "项目名称", 300)
        elif key == "section":
            value = (value or "").strip()[:200]
        elif key == "max_points":
            value = _decimal(value, f"{item}的分值")
        elif key == "weight":
            value = _decimal(value, f"{item}的权重", high=Decimal(100))
        elif key == "method" and value not in Method.values:
            raise AssessmentError(f"未知的评分方法“{value}”")
        elif key == "indicator_target" and value is not None and not isinstance(value, Target):
            value = Target.objects.filter(pk=value).first()
            if value is None:
                raise AssessmentError("所选指标不存在")
        elif key in ("bands", "criteria"):
            value = value or ({} if key == "bands" else [])
        setattr(item, key, value)
    if item.method == Method.INDICATOR and item.indicator_target_id is None and item.task_id is not None:
        item.indicator_target = Target.objects.filter(task_id=item.task_id).order_by("order").first()
    _check_item(item)
    item.save()
    _mark_stale(assessment)
    record(
        acting_user,
        "update_scheme_item",
        scheme,
        summary=f"修改考核项目 {item}：{'、'.join(changes)}",
        before={"item": item.pk, **before},
        after={"item": item.pk, **{k: _plain(getattr(item, k)) for k in changes}},
    )
    return item


@transaction.atomic
def do_add_item(
    scheme: Scheme,
    *,
    name: str,
    max_points: Any,
    section: str = "",
    method: str = Method.MANUAL,
    task: Task | None = None,
    criteria: Sequence[Mapping[str, Any]] = (),
    acting_user: Any,
) -> SchemeItem:
    """An item of the assessment's own (综合评价, 工作创新…), scored by every assessed unit unless
    it is tied to a task."""
    _require_manager(scheme.plan, acting_user, "增加考核项目")
    assessment = _editable(scheme)
    if method not in Method.values:
        raise AssessmentError(f"未知的评分方法“{method}”")
    order = (scheme.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = SchemeItem(
        scheme=scheme,
        task=task,
        section=(section or "").strip()[:200],
        name=_text(name, "项目名称", 300),
        max_points=_decimal(max_points, "分值"),
        method=method,
        criteria=list(criteria),
        order=order,
    )
    if method == Method.INDICATOR and task is not None:
        item.indicator_target = Target.objects.filter(task=task).order_by("order").first()
    _check_item(item)
    item.save()
    _mark_stale(assessment)
    record(
        acting_user,
        "add_scheme_item",
        scheme,
        summary=f"增加考核项目 {item}（{item.max_points:g} 分）",
        after={"item": item.pk, "name": item.name, "points": str(item.max_points), "method": method},
    )
    return item


@transaction.atomic
def do_remove_item(item: SchemeItem, *, acting_user: Any) -> None:
    scheme = item.scheme
    _require_manager(scheme.plan, acting_user, "删除考核项目")
    assessment = _editable(scheme)
    before = {"item": item.pk, "name": item.name, "points": str(item.max_points), "method": item.method}
    item.delete()
    _mark_stale(assessment)
    record(acting_user, "remove_scheme_item", scheme, summary=f"删除考核项目 {before['name']}", before=before)


@transaction.atomic
def do_add_deduction_rule(
    scheme: Scheme, item: str, rules: Sequence[Mapping[str, Any]], *, acting_user: Any
) -> DeductionRule:
    """A negative-list rule the document did not state in a form the extractor read."""
    _require_manager(scheme.plan, acting_user, "增加负面清单")
    assessment = _editable(scheme)
    item = _text(item, "扣分事项", 300)
    if not rules:
        raise AssessmentError(f"{item}：请至少填写一条扣分规则")
    clean = []
    for n, r in enumerate(rules, 1):
        try:
            rule = Rule.from_dict(r)
        except (KeyError, InvalidOperation, ValueError, TypeError) as exc:
            raise AssessmentError(f"{item}：第 {n} 条规则格式不正确（{exc}）") from exc
        if rule.points > 0:
            raise AssessmentError(f"{item}：第 {n} 条规则的扣分应为负数")
        clean.append(
            {k: (str(v) if isinstance(v, Decimal) else v) for k, v in dict(r).items() if v is not None}
        )
    order = (scheme.deduction_rules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    rule_row = DeductionRule.objects.create(scheme=scheme, item=item, rules=clean, order=order)
    _mark_stale(assessment)
    record(
        acting_user,
        "add_deduction_rule",
        scheme,
        summary=f"增加负面清单 {item}",
        after={"rule": rule_row.pk, "rules": clean},
    )
    return rule_row


@transaction.atomic
def do_add_veto(scheme: Scheme, name: str, *, acting_user: Any) -> VetoItem:
    _require_manager(scheme.plan, acting_user, "增加一票否决事项")
    assessment = _editable(scheme)
    order = (scheme.vetoes.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    veto = VetoItem.objects.create(scheme=scheme, name=_text(name, "否决事项", 300), order=order)
    _mark_stale(assessment)
    record(acting_user, "add_veto", scheme, summary=f"增加一票否决事项 {veto.name}", after={"veto": veto.pk})
    return veto


@transaction.atomic
def do_add_bonus(scheme: Scheme, name: str, points: Any, *, cap: Any = None, acting_user: Any) -> BonusItem:
    _require_manager(scheme.plan, acting_user, "增加加分项")
    assessment = _editable(scheme)
    pts = _decimal(points, "每项加分")
    if pts <= 0:
        raise AssessmentError("每项加分应大于 0")
    order = (scheme.bonuses.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    bonus = BonusItem.objects.create(
        scheme=scheme,
        name=_text(name, "加分事项", 300),
        points=pts,
        cap=None if cap in (None, "") else _decimal(cap, "本项上限"),
        order=order,
    )
    _mark_stale(assessment)
    record(
        acting_user,
        "add_bonus",
        scheme,
        summary=f"增加加分项 {bonus.name}（每项 {pts:g} 分）",
        after={"bonus": bonus.pk, "points": str(pts), "cap": None if bonus.cap is None else str(bonus.cap)},
    )
    return bonus


# ---------------------------------------------------------------------------------------------
# Inputs of an assessment: incidents and grades


def _lock_assessment(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("scheme__plan").get(pk=assessment.pk)


def _check_input_allowed(assessment: Assessment, unit_id: int, what: str) -> None:
    """Inputs change while the assessment is open; after it is closed, only for a unit whose appeal
    is being handled (the correction the appeal asks for)."""
    if assessment.status == AssessmentStatus.OPEN:
        return
    if Appeal.objects.filter(result__assessment=assessment, result__unit_id=unit_id,
                             status=AppealStatus.FILED).exists():  # fmt: skip
        return
    raise AssessmentError(f"考核已{assessment.get_status_display()}，不能再{what}（该单位没有待处理的申诉）")


def _assessed_unit(assessment: Assessment, unit: Unit) -> None:
    if not Result.objects.filter(assessment=assessment, unit=unit).exists():
        raise AssessmentError(f"{unit} 不是本次考核的考核对象")


@transaction.atomic
def do_record_incident(
    assessment: Assessment,
    unit: Unit,
    *,
    rule: DeductionRule | None = None,
    veto: VetoItem | None = None,
    bonus: BonusItem | None = None,
    level: str = "",
    count: int | None = None,
    rate: Any = None,
    note: str = "",
    evidence: tuple[str, bytes] | None = None,
    acting_user: Any,
) -> Incident:
    """A count (件数) or rate (发案率) for a unit under a negative-list rule, a veto or a bonus item,
    with an evidence file. A rate replaces the unit's earlier rate under the same rule."""
    assessment = _lock_assessment(assessment)
    scheme = assessment.scheme
    _require_manager(scheme.plan, acting_user, "登记负面清单、否决和加分事项")
    if sum(x is not None for x in (rule, veto, bonus)) != 1:
        raise AssessmentError("请选择一项负面清单、一票否决或加分事项")
    what = rule or veto or bonus
    assert what is not None
    if what.scheme_id != scheme.pk:
        raise AssessmentError(f"“{what}”不属于考核方案“{scheme}”")
    _check_input_allowed(assessment, unit.pk, "登记事项")
    _assessed_unit(assessment, unit)
    level = (level or "").strip()
    note = (note or "").strip()
    if len(note) > 2000:
        raise AssessmentError("说明过长（上限 2000 字）")
    kind, number, ratio = IncidentKind.DEDUCTION, None, None
    if rule is not None:
        parsed = [Rule.from_dict(r) for r in rule.rules]
        if rate not in (None, ""):
            if not any(r.threshold for r in parsed):
                raise AssessmentError(f"“{rule}”不按比率扣分，请填写件数")
            ratio = _decimal(rate, f"{rule}的比率")
            level = ""
        else:
            levels = [r.level for r in parsed if r.threshold is None and r.level]
            if not any(r.threshold is None for r in parsed):
                raise AssessmentError(f"“{rule}”按比率扣分，请填写比率")
            if levels and level not in levels:
                raise AssessmentError(f"“{rule}”须选择级别：{'、'.join(levels)}")
            if not levels and level:
                raise AssessmentError(f"“{rule}”不分级别")
            number = _count(count, str(rule))
    elif veto is not None:
        kind = IncidentKind.VETO
        if count is not None or rate not in (None, ""):
            raise AssessmentError("一票否决事项不填写件数或比率")
        if not note:
            raise AssessmentError("一票否决须写明事由")
    else:
        kind = IncidentKind.BONUS
        number = _count(1 if count is None else count, str(bonus))
    incident = Incident(
        assessment=assessment, unit=unit, kind=kind, rule=rule, veto=veto, bonus=bonus, level=level, count=number,
        rate=ratio, note=note, recorded_at=now(), recorded_by=acting_user,
    )  # fmt: skip
    if evidence is not None:
        name, data = evidence
        name = file_name(name)
        try:
            check_evidence(name, data)
        except EvidenceRejected as exc:
            raise AssessmentError(str(exc)) from exc
        incident.evidence_name = name
        store_file(incident.evidence, name, data)
    incident.save()
    _mark_stale(assessment)
    amount = f"比率 {ratio:g}" if ratio is not None else ("" if number is None else f"{level}{number} 件")
    record(
        acting_user,
        "record_incident",
        assessment,
        summary=f"登记 {unit}：{what} {amount}".strip(),
        after={
            "incident": incident.pk,
            "unit": unit.pk,
            "kind": kind,
            "what": what.pk,
            "level": level,
            "count": number,
            "rate": None if ratio is None else str(ratio),
            "evidence": incident.evidence_name,
        },
    )
    return incident


def _count(count: Any, what: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1 or count > 100000:
        raise AssessmentError(f"“{what}”的件数应为正整数，而不是“{count}”")
    return count


@transaction.atomic
def do_remove_incident(incident: Incident, reason: str, *, acting_user: Any) -> None:
    assessment = _lock_assessment(incident.assessment)
    _require_manager(assessment.scheme.plan, acting_user, "撤销登记事项")
    _check_input_allowed(assessment, incident.unit_id, "撤销登记事项")
    reason = _text(reason, "撤销理由", 500)
    before = {"incident": incident.pk, "unit": incident.unit_id, "kind": incident.kind, "level": incident.level,
              "count": incident.count, "rate": None if incident.rate is None else str(incident.rate),
              "note": incident.note, "evidence": incident.evidence_name}  # fmt: skip
    stored = incident.evidence.name
    storage = incident.evidence.storage
    incident.delete()
    _mark_stale(assessment)
    record(
        acting_user,
        "remove_incident",
        assessment,
        summary=f"撤销登记事项：{reason}",
        before=before,
        after={"reason": reason},
    )
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def do_grade_item(
    assessment: Assessment,
    item: SchemeItem,
    unit: Unit,
    *,
    score: Any = None,
    met: Sequence[int] | None = None,
    reason: str = "",
    acting_user: Any,
) -> ManualGrade:
    """An assessor's grade: a score within the item's points with a reason (MANUAL), or the
    criteria met (CHECKLIST). Grading again replaces the grade; the audit keeps the old one."""
    assessment = _lock_assessment(assessment)
    scheme = assessment.scheme
    _require_manager(scheme.plan, acting_user, "评分")
    if item.scheme_id != scheme.pk:
        raise AssessmentError(f"“{item}”不属于考核方案“{scheme}”")
    _check_input_allowed(assessment, unit.pk, "评分")
    _assessed_unit(assessment, unit)
    if unit.pk not in engine.direct_scorers(scheme, item, assessment):
        raise AssessmentError(f"{unit} 不直接承担“{item}”（配合单位按牵头单位得分计算）")
    reason = (reason or "").strip()
    if item.method == Method.MANUAL:
        value = _decimal(score, f"{item}的评分")
        if value > item.points:
            raise AssessmentError(f"{item}：评分 {value:g} 超出 0–{item.points:g} 分")
        reason = _text(reason, "评分理由", 2000)
        fields: dict[str, Any] = {"score": value, "met": [], "reason": reason}
    elif item.method == Method.CHECKLIST:
        chosen = sorted(set(met or []))
        if any(not isinstance(i, int) or not 0 <= i < len(item.criteria) for i in chosen):
            raise AssessmentError(f"{item}：细则序号应在 0–{len(item.criteria) - 1} 之间")
        fields = {"score": None, "met": chosen, "reason": reason}
    else:
        raise AssessmentError(f"{item}按{item.get_method_display()}计分，不需人工评分")
    old = ManualGrade.objects.filter(assessment=assessment, item=item, unit=unit).first()
    before = None if old is None else {"score": None if old.score is None else str(old.score), "met": old.met,
                                       "reason": old.reason}  # fmt: skip
    grade, _ = ManualGrade.objects.update_or_create(
        assessment=assessment, item=item, unit=unit,
        defaults={**fields, "assessor": acting_user, "graded_at": now()},
    )  # fmt: skip
    _mark_stale(assessment)
    record(
        acting_user,
        "grade_item",
        assessment,
        summary=f"评分 {unit}：{item}",
        before=before,
        after={
            "grade": grade.pk,
            "item": item.pk,
            "unit": unit.pk,
            "score": None if grade.score is None else str(grade.score),
            "met": grade.met,
            "reason": reason,
        },
    )
    return grade


# ---------------------------------------------------------------------------------------------
# Running, closing, publishing


def _compute_and_store(assessment: Assessment) -> int:
    # The collector stays off until the outcomes are gone (see engine.paused_gc).
    with engine.paused_gc():
        outcomes = engine.compute(assessment.scheme, assessment.as_of, assessment=assessment)
        at = now()
        storage.store(assessment, outcomes, at=at)
        units = len(outcomes)
        del outcomes
    assessment.computed_at, assessment.stale = at, False
    assessment.save(update_fields=["as_of", "computed_at", "stale", "previous"])
    return units


@transaction.atomic
def do_run_assessment(scheme: Scheme, as_of: dt.date, *, acting_user: Any) -> Assessment:
    """Compute every assessed unit's result as of `as_of` (the end of that day): the scheme's
    assessment is created the first time and recomputed while it is open."""
    _require_manager(scheme.plan, acting_user, "计算考核结果")
    if scheme.status != SchemeStatus.ACTIVE:
        raise AssessmentError(f"考核方案“{scheme}”尚未启用")
    if as_of < scheme.period_start:
        raise AssessmentError(f"数据截止日期 {as_of} 早于考核期开始 {scheme.period_start}")
    if as_of > today():
        raise AssessmentError(f"数据截止日期 {as_of} 晚于今天：考核只能依据已有的数据")
    # Lock the scheme row: two runs at once would both write every line.
    Scheme.objects.select_for_update().filter(pk=scheme.pk).exists()
    assessment = Assessment.objects.filter(scheme=scheme).first()
    created = assessment is None
    if assessment is None:
        assessment = Assessment.objects.create(
            scheme=scheme, as_of=as_of, created_at=now(), created_by=acting_user
        )
    elif assessment.status != AssessmentStatus.OPEN:
        raise AssessmentError(f"考核已{assessment.get_status_display()}，如需重新计算请先重新打开")
    before = None if created else {"as_of": str(assessment.as_of)}
    assessment.as_of = as_of
    assessment.previous = engine.previous_of(assessment)
    units = _compute_and_store(assessment)
    record(acting_user, "run_assessment", assessment,
           summary=f"{'计算' if created else '重新计算'}考核 {scheme.name}（{units} 个单位，数据截至 {as_of}）",
           before=before, after={"as_of": str(as_of), "units": units,
                                 "previous": assessment.previous_id})  # fmt: skip
    return assessment


@transaction.atomic
def do_close_assessment(assessment: Assessment, *, acting_user: Any) -> Assessment:
    """OPEN → CLOSED (定稿), recomputing first if grades or incidents changed since the last run.
    From now on later reports do not change it."""
    assessment = _lock_assessment(assessment)
    _require_manager(assessment.scheme.plan, acting_user, "定稿考核")
    if assessment.status != AssessmentStatus.OPEN:
        raise AssessmentError(f"考核已{assessment.get_status_display()}")
    recomputed = assessment.stale or assessment.computed_at is None
    if recomputed:
        _compute_and_store(assessment)
    assessment.status, assessment.closed_at, assessment.closed_by = (
        AssessmentStatus.CLOSED,
        now(),
        acting_user,
    )
    assessment.save(update_fields=["status", "closed_at", "closed_by"])
    record(
        acting_user,
        "close_assessment",
        assessment,
        summary=f"定稿考核 {assessment.scheme.name}",
        after={
            "status": assessment.status,
            "as_of": str(assessment.as_of),
            "recomputed": recomputed,
            "results": assessment.results.count(),
        },
    )
    return assessment


@transaction.atomic
def do_reopen_assessment(assessment: Assessment, reason: str, *, acting_user: Any) -> Assessment:
    """CLOSED or PUBLISHED → OPEN, with a reason kept on the assessment and in the audit trail."""
    assessment = _lock_assessment(assessment)
    _require_manager(assessment.scheme.plan, acting_user, "重新打开考核")
    if assessment.status not in FINAL:
        raise AssessmentError("考核尚未定稿，无需重新打开")
    reason = _text(reason, "重新打开的理由", 500)
    was = assessment.status
    assessment.reopenings = [*assessment.reopenings, {"at": now().isoformat(), "by": acting_user.pk, "from": was,
                                                      "reason": reason}]  # fmt: skip
    assessment.status = AssessmentStatus.OPEN
    assessment.save(update_fields=["status", "reopenings"])
    record(
        acting_user,
        "reopen_assessment",
        assessment,
        summary=f"重新打开考核 {assessment.scheme.name}：{reason}",
        before={"status": was},
        after={"status": assessment.status, "reason": reason},
    )
    return assessment


@transaction.atomic
def do_publish_assessment(assessment: Assessment, *, acting_user: Any) -> Assessment:
    """CLOSED → PUBLISHED: the units see the ranking."""
    assessment = _lock_assessment(assessment)
    _require_manager(assessment.scheme.plan, acting_user, "公布考核结果")
    if assessment.status != AssessmentStatus.CLOSED:
        raise AssessmentError(f"只有已定稿的考核可以公布（当前：{assessment.get_status_display()}）")
    assessment.status, assessment.published_at, assessment.published_by = (
        AssessmentStatus.PUBLISHED,
        now(),
        acting_user,
    )
    assessment.save(update_fields=["status", "published_at", "published_by"])
    record(
        acting_user,
        "publish_assessment",
        assessment,
        summary=f"公布考核结果 {assessment.scheme.name}",
        after={"status": assessment.status},
    )
    send_on_commit(*notices.published(assessment))
    return assessment


# ---------------------------------------------------------------------------------------------
# Appeals


@transaction.atomic
def do_file_appeal(result: Result, reason: str, *, acting_user: Any) -> Appeal:
    """A reporter of the result's unit disputes it, with a reason."""
    assessment = _lock_assessment(result.assessment)
    user = acting_user
    if not (user is not None and user.is_authenticated and user.is_active and user.is_reporter
            and user.unit_id == result.unit_id):  # fmt: skip
        raise AssessmentError("无权申诉：只有该单位的填报员可以申诉")
    if assessment.status not in FINAL:
        raise AssessmentError("考核尚未定稿，暂不能申诉")
    reason = _text(reason, "申诉理由", 2000)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(result=result, reason=reason, filed_at=now(), filed_by=user)
    except IntegrityError:
        raise AssessmentError("该单位已有待处理的申诉") from None
    record(
        acting_user,
        "file_appeal",
        appeal,
        summary=f"{result.unit} 申诉 {assessment.scheme.name}：{reason[:100]}",
        after={"result": result.pk, "total": str(result.total), "reason": reason},
    )
    send_on_commit(notices.appeal_filed(appeal))
    return appeal


@transaction.atomic
def do_decide_appeal(appeal: Appeal, *, accept: bool, reason: str = "", acting_user: Any) -> Appeal:
    """Accept: the unit's result is recomputed from the scheme and the data as of the assessment's
    date (with the corrections made while the appeal was open) and every unit is ranked again.
    Reject: with a reason; the result stays."""
    appeal = Appeal.objects.select_for_update().select_related("result__unit").get(pk=appeal.pk)
    result = appeal.result
    assessment = _lock_assessment(result.assessment)
    _require_manager(assessment.scheme.plan, acting_user, "处理申诉")
    if appeal.status != AppealStatus.FILED:
        raise AssessmentError(f"该申诉已处理（{appeal.get_status_display()}），不能再次处理")
    reason = (reason or "").strip() if accept else _text(reason, "驳回理由", 2000)
    before = {"total": str(result.total), "rank": result.rank, "grade": result.grade}
    appeal.total_before = result.total
    if accept:
        outcomes = engine.compute(assessment.scheme, assessment.as_of, assessment=assessment,
                                  only_units={result.unit_id})  # fmt: skip
        if not outcomes:
            raise AssessmentError(f"{result.unit} 已不是考核对象，不能重新计算")
        storage.store(assessment, outcomes, at=now(), partial=True)
        storage.rerank(assessment)
        result.refresh_from_db()
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decision_reason = reason or "采纳申诉，重新计算"
    appeal.decided_at, appeal.decided_by, appeal.total_after = now(), acting_user, result.total
    appeal.save()
    after = {"status": appeal.status, "reason": appeal.decision_reason, "total": str(result.total),
             "rank": result.rank, "grade": result.grade}  # fmt: skip
    record(
        acting_user,
        "decide_appeal",
        appeal,
        summary=f"{appeal.get_status_display()} {result.unit} 的申诉：{appeal.decision_reason[:100]}",
        before=before,
        after=after,
    )
    if accept:
        record(
            acting_user,
            "recompute_result",
            result,
            summary=f"申诉采纳后重新计算 {result.unit}：{before['total']} → {result.total}",
            before=before,
            after=after,
        )
    send_on_commit(notices.appeal_decided(appeal))
    return appeal
