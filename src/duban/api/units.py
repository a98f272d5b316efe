"""The unit directory, and each unit's responsibility list in the plans the caller may see.

The same reads as the unit pages (duban.plans.duties), so a page and the API always agree.
"""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from duban.api.auth import caller
from duban.api.schemas import Error, Page, UnitDetailOut, UnitListOut, UnitSearchParams
from duban.plans import duties
from duban.units.access import access_unit
from duban.units.models import Unit
from duban.units.search import UnitSearch

router = Router(tags=["单位"])


@router.get(
    "/units",
    response=list[UnitListOut],
    summary="可查看的单位",
    description="与单位列表页相同：每个单位在现行方案中牵头、配合和其他责任的任务数（只计调用者可查看的任务）。",
)
@paginate(Page)
def list_units(request: HttpRequest, search: Query[UnitSearchParams]) -> QuerySet[Unit]:
    return duties.directory(caller(request), UnitSearch.from_params(request.GET))


@dataclass(frozen=True)
class UnitDetail:
    unit: Unit
    groups: list[Unit]
    responsibilities: list[duties.Duty]


@router.get(
    "/units/{int:unit_id}",
    response={200: UnitDetailOut, 404: Error},
    summary="单位及其责任清单",
    description="与单位页面相同：该单位在现行方案中牵头的、配合或承担其他责任的，以及经由所属单位组（如“各区县”）"
    "承担的任务，只含调用者可查看的任务。",
)
def get_unit(request: HttpRequest, unit_id: int) -> UnitDetail:
    user = caller(request)
    unit = access_unit(user, unit_id)
    groups = list(unit.groups.all())
    held = duties.unit_duties(user, unit, groups)
    return UnitDetail(unit, groups, [*held.lead, *held.other, *held.via_groups])
