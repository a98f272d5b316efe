"""Every permission-checked read of plans and tasks. Missing and forbidden both give 404.

Who sees what:
- administrator and leader: every plan;
- plan manager: the plans it manages (Plan.managers);
- unit reporter: plans shared with all units, and the tasks its own unit answers for.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from duban.accounts.models import User
from duban.params import id_param
from duban.plans.models import ImportDraft, Plan, Task


def visible_plans(user: User) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    if not user.is_authenticated:
        return plans.none()
    if user.is_admin or user.is_leader:
        return plans
    if user.is_manager:
        return plans.filter(managers=user)
    if user.unit_id is None:
        return plans.filter(shared_with_all=True)
    # A task given to a group ("各区县") is also the task of each member of the group.
    mine = Q(tasks__responsibilities__unit_id=user.unit_id) | Q(
        tasks__responsibilities__unit__members=user.unit_id
    )
    return plans.filter(Q(shared_with_all=True) | mine).distinct()


def visible_tasks(user: User) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if not user.is_authenticated:
        return tasks.none()
    if user.is_admin or user.is_leader:
        return tasks
    if user.is_manager:
        return tasks.filter(plan__managers=user)
    mine = (
        Q(responsibilities__unit_id=user.unit_id) | Q(responsibilities__unit__members=user.unit_id)
        if user.unit_id
        else Q(pk__in=[])
    )
    # Ids, not DISTINCT over whole rows: the joins above may repeat a task.
    return Task.objects.filter(pk__in=tasks.filter(mine | Q(plan__shared_with_all=True)).values("pk"))


def can_manage(user: User, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_admin or (user.is_manager and plan.managers.filter(pk=user.pk).exists()))


def managed_plans(user: User) -> QuerySet[Plan]:
    """Current plans the user may import a revision of: all for the administrator, else its own."""
    plans = visible_plans(user).filter(is_current=True)
    return plans if user.is_admin else plans.filter(managers=user)


def can_import(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_admin or user.is_manager))


def access_plan(user: User, plan_id: int) -> Plan:
    try:
        return visible_plans(user).get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404("方案不存在或无权访问") from None


def access_plan_param(user: User, raw: str | None) -> Plan | None:
    """The plan a query string names (`?plan=…`): None when it names none; a value that is no
    id is a 400 (duban.params); an id the user may not see, the same 404 as a missing plan."""
    plan_id = id_param({"plan": raw or ""}, "plan", "方案")
    return None if plan_id is None else access_plan(user, plan_id)


def access_managed_plan(user: User, plan_id: int) -> Plan:
    plan = access_plan(user, plan_id)
    if not can_manage(user, plan):
        raise Http404("方案不存在或无权访问")
    return plan


def access_task(user: User, task_id: int) -> Task:
    try:
        return visible_tasks(user).select_related("plan", "section").get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("任务不存在或无权访问") from None


def access_draft(user: User, draft_id: int) -> ImportDraft:
    """An import draft is seen only by whoever uploaded it, and by the administrator."""
    if not can_import(user):
        raise Http404("导入不存在或无权访问")
    try:
        draft = ImportDraft.objects.select_related("source", "revises").get(pk=draft_id)
    except (ImportDraft.DoesNotExist, ValueError, TypeError):
        raise Http404("导入不存在或无权访问") from None
    if not (user.is_admin or draft.created_by_id == user.pk):
        raise Http404("导入不存在或无权访问")
    return draft
