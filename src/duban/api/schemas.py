"""JSON shapes of the API. Field names follow the models; *_label fields carry the Chinese label of
a choice so clients need not keep their own copy of the vocabulary."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import StrictInt, StrictStr, StringConstraints

from duban import limits
from duban.params import MAX_ID
from duban.plans.duties import Duty
from duban.plans.models import Responsibility
from duban.units.models import Unit

MAX_LIMIT = 500
# Ids and offsets within the largest the databases take (duban.params.MAX_ID, a signed 64-bit
# integer): a value beyond it is refused (400 in a query, 422 in a body) before any query is made.
DbId = Annotated[int, Field(ge=1, le=MAX_ID, description="编号")]
StrictDbId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


class Page(LimitOffsetPagination):
    """limit/offset pagination; a list answers {"items": [...], "count": total}."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
        # Bounded by the largest id: an offset past a 64-bit integer overflows the database.
        offset: int = Field(0, ge=0, le=MAX_ID, description="跳过的条数")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class Error(Schema):
    detail: str


class TaskFilterParams(Schema):
    """The plan page's task filters (duban.plans.queries.TaskFilter); a bad value is a 400."""

    unit: str | None = Field(None, description="责任单位编号")
    role: str | None = Field(None, description="角色：lead / partner / responsible / implementer")
    section: str | None = Field(None, description="章节编号（含其下级章节）")
    has_target: str | None = Field(None, description="1 有量化指标，0 没有")
    deadline_from: str | None = Field(None, description="完成时限不早于（YYYY-MM-DD）")
    deadline_to: str | None = Field(None, description="完成时限不晚于（YYYY-MM-DD）")
    q: str | None = Field(
        None, max_length=100, description="在任务、目标要求、序号和单位名称中查找（最多 100 字）"
    )


class PlanOut(Schema):
    id: int
    series: uuid.UUID
    version: int
    is_current: bool
    title: str
    doc_number: str
    date: dt.date | None
    issuer: str
    total_points: float | None
    parent_id: int | None
    shared_with_all: bool
    created_at: dt.datetime


class SectionOut(Schema):
    id: int
    parent_id: int | None
    title: str
    order: int


class PlanDetailOut(PlanOut):
    source_name: str | None = Field(None, alias="source.name")
    warnings: list[dict[str, Any]]
    sections: list[SectionOut]


class ResponsibilityOut(Schema):
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    role: str
    role_label: str

    @staticmethod
    def resolve_role_label(obj: Responsibility) -> str:
        return obj.get_role_display()


class TargetOut(Schema):
    id: int = Field(description="目标编号：报送时以 value_<编号> 填写当前值")
    metric: str
    cmp: str
    value: float
    unit: str
    change: str
    by_year: int | None


class TaskOut(Schema):
    id: int
    plan_id: int
    section_id: int | None
    number: str
    title: str
    text: str
    points: float | None
    deadline: dt.date | None
    deadline_text: str
    order: int
    parent_task_id: int | None
    responsibilities: list[ResponsibilityOut]
    targets: list[TargetOut]


class TaskDetailOut(TaskOut):
    plan_title: str = Field(alias="plan.title")
    section_title: str | None = Field(None, alias="section.title")


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    active: bool
    aliases: list[str]

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_aliases(obj: Unit) -> list[str]:
        return [a.name for a in obj.aliases.all()]


class UnitSearchParams(Schema):
    """The unit list page's search (duban.units.search.UnitSearch)."""

    q: str | None = Field(None, max_length=50, description="名称或别名中的文字（最多 50 字）")
    kind: str | None = Field(
        None, description="类型：department / district / street / community / group / other"
    )


class UnitListOut(UnitOut):
    n_lead: int = Field(description="现行方案中牵头的任务数（仅计可查看的任务）")
    n_partner: int = Field(description="配合的任务数")
    n_other: int = Field(description="其他责任（责任单位、实施单位）的任务数")


class UnitRef(Schema):
    id: int
    name: str


class DutyOut(Schema):
    """One task on a unit's responsibility list (duban.plans.duties.Duty)."""

    task_id: int = Field(alias="task.pk")
    task_number: str = Field(alias="task.number")
    task_title: str
    plan_id: int = Field(alias="task.plan_id")
    plan_title: str = Field(alias="task.plan.title")
    role: str
    role_label: str
    via: UnitRef | None = Field(description="经由所属单位组（如“各区县”）承担时，该单位组")
    lead_units: list[str]
    partner_units: list[str]
    targets: list[str]
    deadline: str = Field(description="完成时限（文字）")

    @staticmethod
    def resolve_task_title(obj: Duty) -> str:
        return obj.task.title or obj.task.text[:100]

    @staticmethod
    def resolve_lead_units(obj: Duty) -> list[str]:
        return list(obj.x.lead or ())

    @staticmethod
    def resolve_partner_units(obj: Duty) -> list[str]:
        return list(obj.x.partners or ())


class UnitDetailOut(Schema):
    unit: UnitOut
    groups: list[UnitRef] = Field(description="所属单位组")
    responsibilities: list[DutyOut] = Field(
        description="责任清单：牵头、配合及其他、经由单位组承担，依次排列"
    )


class UnitMatchOut(Schema):
    printed: str = Field(description="文档中的单位名称")
    how: str = Field(
        description="exact 同名 / alias 别名 / rule 简称规则（同一单位）/ near 近似（仅供参考，不预选）/ new 目录中没有"
    )
    unit_id: int | None
    unit_name: str | None


class DraftOut(Schema):
    id: int
    status: str
    status_label: str
    source_name: str
    created_at: dt.datetime
    revises_id: int | None
    result_id: int | None
    plan: dict[str, Any] = Field(description="提取结果（duban.plan/1）")
    units: list[UnitMatchOut] = Field(description="文档中的每个单位与单位目录的匹配")


# A unit's name as the directory stores it (units.models.Unit.name), and a printed name as read.
UnitName = Annotated[StrictStr, StringConstraints(max_length=100)]
PrintedName = Annotated[str, StringConstraints(max_length=limits.NAME)]


class ConfirmIn(Schema):
    units: dict[PrintedName, StrictDbId | UnitName | None] = Field(
        default_factory=dict,
        description="文档中的单位名称 → 单位编号（用目录中的单位）、新单位名称（新建），或 null（按原文新建或沿用同名单位）；"
        "未列出的按 null 处理",
    )
