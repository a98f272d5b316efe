"""Permission-checked reads of units: a reporter sees its own unit; the office and leaders all.
Only the administrator changes the directory (can_edit_directory)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from duban.accounts.models import User
from duban.units.models import Unit


def visible_units(user: User) -> QuerySet[Unit]:
    units = Unit.objects.all()
    if not user.is_authenticated:
        return units.none()
    if user.is_admin or user.is_leader or user.is_manager:
        return units
    return units.filter(pk=user.unit_id) if user.unit_id else units.none()


def can_edit_directory(user: User) -> bool:
    """The directory and its merges are the administrator's: a rename or merge changes every plan's
    units, and a merge moves accounts (and with them what those accounts may read). A plan
    manager's import may still add the new units its document names (plans.actions)."""
    return bool(user.is_authenticated and user.is_active and user.is_admin)


def access_unit(user: User, unit_id: int) -> Unit:
    try:
        return visible_units(user).get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("单位不存在或无权访问") from None
