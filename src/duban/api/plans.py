"""Plans and tasks: what the plan pages show, as JSON."""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.
# Path ids are {int:…}, Django's converter (ASCII digits only): "+5", "1_000" or "٣" is no id and
# gets the 404 of a missing object, not a lenient int() of it.

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from duban.api.auth import caller
from duban.api.schemas import Error, Page, PlanDetailOut, PlanOut, TaskDetailOut, TaskFilterParams, TaskOut
from duban.plans.access import access_plan, access_task, visible_plans
from duban.plans.models import Plan, Responsibility, Section, Task
from duban.plans.queries import plan_tasks
from duban.plans.serialize import plan_to_x

router = Router(tags=["方案与任务"])

# Units joined to their responsibilities: one query however many (or few) there are.
TASK_RELATED = (Prefetch("responsibilities", Responsibility.objects.select_related("unit")), "targets")


def _plan_tasks(request: HttpRequest, plan: Plan) -> QuerySet[Task]:
    # The plan page's and its downloads' own selection: visible tasks, narrowed by the filters.
    return plan_tasks(caller(request), plan, request.GET).tasks


@router.get(
    "/plans",
    response=list[PlanOut],
    summary="可查看的方案",
    description="与方案列表页相同：每个方案的现行版本；current=false 时包括历史版本。",
)
@paginate(Page)
def list_plans(request: HttpRequest, current: bool = True) -> QuerySet[Plan]:
    plans = visible_plans(caller(request))
    return plans.filter(is_current=True) if current else plans


@router.get("/plans/{int:plan_id}", response={200: PlanDetailOut, 404: Error}, summary="方案及其章节")
def get_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = access_plan(caller(request), plan_id)
    prefetch_related_objects([plan], "source", Prefetch("sections", Section.objects.order_by("order", "id")))
    return plan


@router.get(
    "/plans/{int:plan_id}/tasks",
    response={200: list[TaskOut], 404: Error},
    summary="方案的任务（可筛选）",
    description="调用者可查看的任务，筛选参数与方案页面相同（无效的值返回 400，并说明哪个参数、应为何值）。",
)
@paginate(Page)
def list_plan_tasks(request: HttpRequest, plan_id: int, filters: Query[TaskFilterParams]) -> QuerySet[Task]:
    plan = access_plan(caller(request), plan_id)
    return _plan_tasks(request, plan).prefetch_related(*TASK_RELATED).order_by("order", "id")


@router.get(
    "/plans/{int:plan_id}/export",
    response={200: dict[str, Any], 404: Error},
    summary="导出方案（duban.plan/1）",
    description="方案的 duban.plan/1 JSON（与命令行 duban extract 的输出格式相同），只含调用者可查看、且符合筛选条件的任务。",
)
def export_plan(request: HttpRequest, plan_id: int, filters: Query[TaskFilterParams]) -> dict[str, Any]:
    plan = access_plan(caller(request), plan_id)
    return plan_to_x(plan, _plan_tasks(request, plan)).to_dict()


@router.get("/tasks/{int:task_id}", response={200: TaskDetailOut, 404: Error}, summary="任务")
def get_task(request: HttpRequest, task_id: int) -> Task:
    task = access_task(caller(request), task_id)
    prefetch_related_objects([task], *TASK_RELATED)
    return task
