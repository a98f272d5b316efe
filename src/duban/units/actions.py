"""Every write to the unit directory: atomic and audited."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from duban.audit.record import record
from duban.units.models import Alias, Kind, Unit


class UnitError(Exception):
    pass


def guess_kind(name: str) -> str:
    if re.match(r"^(各|相关|有关)", name) or name.endswith(("成员单位", "各部门")):
        return Kind.GROUP
    if name.endswith(("街道", "镇", "乡", "街镇")):
        return Kind.STREET
    if name.endswith(("社区", "村")):
        return Kind.COMMUNITY
    if re.search(r"(区|县|市)(人民政府|政府|委)?$", name) and not name.endswith(("局", "办", "委员会")):
        return Kind.DISTRICT
    return Kind.DEPARTMENT


@transaction.atomic
def do_create_unit(name: str, *, kind: str | None = None, acting_user: Any) -> Unit:
    name = "".join(name.split())
    if not name:
        raise UnitError("单位名称不能为空")
    if Unit.objects.filter(name=name).exists() or Alias.objects.filter(name=name).exists():
        raise UnitError(f"单位“{name}”已存在")
    unit = Unit.objects.create(name=name, kind=kind or guess_kind(name))
    record(acting_user, "create_unit", unit, summary=f"新建单位 {name}", after={"name": name, "kind": unit.kind})
    return unit


@transaction.atomic
def do_add_alias(unit: Unit, alias: str, *, acting_user: Any) -> Alias:
    alias = "".join(alias.split())
    if not alias or Unit.objects.filter(name=alias).exists() or Alias.objects.filter(name=alias).exists():
        raise UnitError(f"别名“{alias}”为空或已被使用")
    a = Alias.objects.create(unit=unit, name=alias)
    record(acting_user, "add_alias", unit, summary=f"{unit.name} 增加别名 {alias}", after={"alias": alias})
    return a


@transaction.atomic
def do_merge_units(keep: Unit, gone: Unit, *, acting_user: Any) -> Unit:
    """Two entries are one body: every reference moves to `keep`; `gone` becomes its alias."""
    if keep.pk == gone.pk:
        raise UnitError("不能把单位合并到它自己")
    from duban.accounts.models import User
    from duban.plans.models import Responsibility

    # Lock both rows so two merges of the same units cannot interleave.
    Unit.objects.select_for_update().filter(pk__in=[keep.pk, gone.pk]).count()
    moved = Responsibility.objects.filter(unit=gone).update(unit=keep)
    users = User.objects.filter(unit=gone).update(unit=keep)
    Unit.objects.filter(parent=gone).update(parent=keep)
    for group in gone.groups.all():
        group.members.add(keep)
    keep.members.add(*gone.members.all())
    Alias.objects.filter(unit=gone).update(unit=keep)
    name = gone.name
    gone_pk = gone.pk
    gone.delete()
    Alias.objects.create(unit=keep, name=name)
    record(
        acting_user, "merge_units", keep, summary=f"{name} 并入 {keep.name}",
        before={"unit": gone_pk, "name": name}, after={"unit": keep.pk, "responsibilities": moved, "users": users},
    )
    return keep
