"""A scheme's items: their points, weight and scoring method changed; items of the assessment's
own (综合评价, 工作创新…) added and removed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from duban.accounts.actors import Actor
from duban.assessment.actions.guards import (
    decimal_of,
    editable_assessment,
    mark_stale,
    plain,
    require_manager,
    text_of,
)
from duban.assessment.errors import AssessmentError
from duban.assessment.models import Method, Scheme, SchemeItem
from duban.audit.record import record
from duban.plans.models import Target, Task


def _method(value: Any) -> Any:
    if value not in Method.values:
        raise AssessmentError(f"未知的评分方法“{value}”")
    return value


def _target(value: Any) -> Target | None:
    if value is None or isinstance(value, Target):
        return value
    target = Target.objects.filter(pk=value).first()
    if target is None:
        raise AssessmentError("所选指标不存在")
    return target


def _changes(item: SchemeItem) -> dict[str, Callable[[Any], Any]]:
    """Each field of an item that may change, and how a new value is checked."""
    return {
        "name": lambda v: text_of(v, "项目名称", 300),
        "section": lambda v: (v or "").strip()[:200],
        "max_points": lambda v: decimal_of(v, f"{item}的分值"),
        "method": _method,
        "weight": lambda v: decimal_of(v, f"{item}的权重", high=Decimal(100)),
        "indicator_target": _target,
        "bands": lambda v: v or {},
        "criteria": lambda v: v or [],
    }


def _check_item(item: SchemeItem) -> None:
    """What an item must hold for its method to work."""
    if item.method == Method.COMPLETION and item.task_id is None:
        raise AssessmentError(f"{item}：按完成情况评分的项目须对应一项任务")
    if item.method == Method.INDICATOR:
        _check_indicator(item)
    if item.method == Method.CHECKLIST:
        _check_checklist(item)


def _check_indicator(item: SchemeItem) -> None:
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
        reach = decimal_of(band[0], f"{item}第 {n} 档的完成率", high=Decimal(1))
        decimal_of(band[1], f"{item}第 {n} 档的得分比例", high=Decimal(1))
        if last is not None and reach >= last:
            raise AssessmentError(f"{item}：各档完成率应从高到低排列")
        last = reach
    if target.change and conf.get("baseline") is None and not conf.get("baselines"):
        raise AssessmentError(f"{item}：指标“{target}”按变化率考核，须设定基期值")
    for k, v in (conf.get("baselines") or {}).items():
        decimal_of(v, f"{item}单位 {k} 的基期值", low=None)


def _check_checklist(item: SchemeItem) -> None:
    if not item.criteria:
        raise AssessmentError(f"{item}：按评分细则评分的项目须列出细则")
    total = Decimal(0)
    for n, c in enumerate(item.criteria, 1):
        if not isinstance(c, Mapping) or not str(c.get("name") or "").strip():
            raise AssessmentError(f"{item}：第 {n} 条细则须有名称")
        total += decimal_of(c.get("points"), f"{item}第 {n} 条细则的分值")
    if total > item.points:
        raise AssessmentError(f"{item}：细则合计 {total:g} 分，超过项目分值 {item.points:g} 分")


@transaction.atomic
def do_update_item(item: SchemeItem, *, acting_user: Actor, **changes: Any) -> SchemeItem:
    """Change an item (name, section, max_points, method, weight, indicator_target, bands,
    criteria). Switching to INDICATOR picks the task's first target unless one is given."""
    scheme = item.scheme
    require_manager(scheme.plan, acting_user, "修改考核项目")
    fields = _changes(item)
    unknown = set(changes) - set(fields)
    if unknown:
        raise AssessmentError(f"不能修改：{'、'.join(sorted(unknown))}")
    assessment = editable_assessment(scheme)
    was = {k: getattr(item, k) for k in changes}
    before = {k: plain(v) for k, v in was.items()}
    for key, value in changes.items():
        setattr(item, key, fields[key](value))
    if item.method == Method.INDICATOR and item.indicator_target_id is None and item.task_id is not None:
        item.indicator_target = Target.objects.filter(task_id=item.task_id).order_by("order").first()
    _check_item(item)
    # Only what changes is audited; an item saved as it was is no event (and leaves results alone).
    changes = {k: v for k, v in changes.items() if getattr(item, k) != was[k]}
    if not changes:
        return item
    before = {k: before[k] for k in changes}
    item.save()
    mark_stale(assessment)
    record(
        acting_user,
        "update_scheme_item",
        scheme,
        summary=f"修改考核项目 {item}：{'、'.join(changes)}",
        before={"item": item.pk, **before},
        after={"item": item.pk, **{k: plain(getattr(item, k)) for k in changes}},
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
    acting_user: Actor,
) -> SchemeItem:
    """An item of the assessment's own (综合评价, 工作创新…), scored by every assessed unit unless
    it is tied to a task."""
    require_manager(scheme.plan, acting_user, "增加考核项目")
    assessment = editable_assessment(scheme)
    _method(method)
    order = (scheme.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = SchemeItem(
        scheme=scheme,
        task=task,
        section=(section or "").strip()[:200],
        name=text_of(name, "项目名称", 300),
        max_points=decimal_of(max_points, "分值"),
        method=method,
        criteria=list(criteria),
        order=order,
    )
    if method == Method.INDICATOR and task is not None:
        item.indicator_target = Target.objects.filter(task=task).order_by("order").first()
    _check_item(item)
    item.save()
    mark_stale(assessment)
    record(
        acting_user,
        "add_scheme_item",
        scheme,
        summary=f"增加考核项目 {item}（{item.max_points:g} 分）",
        after={"item": item.pk, "name": item.name, "points": str(item.max_points), "method": method},
    )
    return item


@transaction.atomic
def do_remove_item(item: SchemeItem, *, acting_user: Actor) -> None:
    scheme = item.scheme
    require_manager(scheme.plan, acting_user, "删除考核项目")
    assessment = editable_assessment(scheme)
    before = {"item": item.pk, "name": item.name, "points": str(item.max_points), "method": item.method}
    item.delete()
    mark_stale(assessment)
    record(acting_user, "remove_scheme_item", scheme, summary=f"删除考核项目 {before['name']}", before=before)
