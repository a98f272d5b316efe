"""Every write to the unit directory: atomic and audited."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.units.access import can_edit_directory
from duban.units.merge import merge_rules
from duban.units.models import Alias, Kind, Unit


class UnitError(Exception):
    pass


def _check_admin(acting_user: Actor) -> None:
    """Renames, aliases, members and merges are the administrator's (or the system's, e.g. a data
    migration). The pages answer anyone else with a 404 first; this holds for every other caller."""
    if isinstance(acting_user, User) and not can_edit_directory(acting_user):
        raise UnitError("只有系统管理员可以修改单位目录")


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
def do_create_unit(
    name: str, *, kind: str | None = None, parent: Unit | None = None, acting_user: Actor
) -> Unit:
    name = "".join(name.split())
    if not name:
        raise UnitError("单位名称不能为空")
    if Unit.objects.filter(name=name).exists() or Alias.objects.filter(name=name).exists():
        raise UnitError(f"单位“{name}”已存在")
    if kind and kind not in Kind.values:
        raise UnitError(f"未知的单位类型“{kind}”")
    unit = Unit.objects.create(name=name, kind=kind or guess_kind(name), parent=parent)
    after: dict[str, Any] = {"name": name, "kind": unit.kind}
    if parent is not None:
        after["parent"] = parent.pk
    record(acting_user, "create_unit", unit, summary=f"新建单位 {name}", after=after)
    return unit


def _state(unit: Unit) -> dict[str, Any]:
    return {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id}


@transaction.atomic
def do_update_unit(
    unit: Unit, *, name: str, kind: str, parent: Unit | None, keep_old_name: bool = True, acting_user: Actor
) -> Unit:
    """Rename, re-kind or re-parent a unit. The old name stays an alias (by default) so that
    documents still printing it keep matching on import."""
    _check_admin(acting_user)
    # Lock the row: two editors saving at once must not both pass the uniqueness checks.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _state(unit)
    name = "".join(name.split())
    if not name:
        raise UnitError("单位名称不能为空")
    if kind not in Kind.values:
        raise UnitError(f"未知的单位类型“{kind}”")
    if name != unit.name:
        if Unit.objects.filter(name=name).exclude(pk=unit.pk).exists():
            raise UnitError(f"单位“{name}”已存在")
        taken = Alias.objects.filter(name=name).first()
        if taken is not None and taken.unit_id != unit.pk:
            raise UnitError(f"“{name}”已是单位“{taken.unit}”的别名")
        if taken is not None:
            taken.delete()  # its own alias becomes its name
    if parent is not None:
        ancestor: Unit | None = parent
        seen: set[int] = set()
        while ancestor is not None and ancestor.pk not in seen:  # `seen`: stop on a cycle already stored
            if ancestor.pk == unit.pk:
                raise UnitError("上级单位不能是它自己或它的下级单位")
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
    old_name = unit.name
    unit.name, unit.kind, unit.parent = name, kind, parent
    after = _state(unit)
    if after == before:
        return unit
    unit.save(update_fields=["name", "kind", "parent"])
    if keep_old_name and name != old_name:
        Alias.objects.create(unit=unit, name=old_name)
        after["alias"] = old_name
    record(acting_user, "update_unit", unit, summary=f"修改单位 {old_name}", before=before, after=after)
    return unit


@transaction.atomic
def do_set_group_members(group: Unit, members: Iterable[Unit], *, acting_user: Actor) -> Unit:
    """Say which units a group ("各区县") stands for."""
    _check_admin(acting_user)
    group = Unit.objects.select_for_update().get(pk=group.pk)
    if group.kind != Kind.GROUP:
        raise UnitError(f"“{group.name}”不是单位组，不能设置成员")
    wanted = {u.pk: u for u in members}
    if group.pk in wanted:
        raise UnitError("单位组不能包含它自己")
    # A member group that (through its own members) contains this group would make a cycle.
    frontier = {pk for pk, u in wanted.items() if u.kind == Kind.GROUP}
    seen: set[int] = set()
    while frontier:
        if group.pk in frontier:
            raise UnitError("单位组之间不能互相包含")
        seen |= frontier
        frontier = (
            set(
                Unit.members.through.objects.filter(from_unit_id__in=frontier).values_list(
                    "to_unit_id", flat=True
                )
            )
            - seen
        )
    before = sorted(group.members.values_list("name", flat=True))
    group.members.set(list(wanted.values()))
    after = sorted(u.name for u in wanted.values())
    if before != after:
        record(
            acting_user,
            "set_group_members",
            group,
            summary=f"{group.name} 成员 {len(after)} 个",
            before={"members": before},
            after={"members": after},
        )
    return group


@transaction.atomic
def do_add_alias(unit: Unit, alias: str, *, acting_user: Actor) -> Alias:
    _check_admin(acting_user)
    alias = "".join(alias.split())
    if not alias or Unit.objects.filter(name=alias).exists() or Alias.objects.filter(name=alias).exists():
        raise UnitError(f"别名“{alias}”为空或已被使用")
    a = Alias.objects.create(unit=unit, name=alias)
    record(acting_user, "add_alias", unit, summary=f"{unit.name} 增加别名 {alias}", after={"alias": alias})
    return a


@transaction.atomic
def do_merge_units(keep: Unit, gone: Unit, *, moving_users: Collection[int] = (), acting_user: Actor) -> Unit:
    """Two entries are one body: every reference moves to `keep`; `gone` becomes its alias.

    Accounts of `gone` move too, and then read what `keep` may: so the caller names them
    (`moving_users`, the ids the confirmation page listed), and a merge whose accounts differ from
    those (one was added since the page was shown) is refused."""
    _check_admin(acting_user)
    if keep.pk == gone.pk:
        raise UnitError("不能把单位合并到它自己")
    # Lock both rows so two merges of the same units cannot interleave. (A list, not count():
    # PostgreSQL refuses FOR UPDATE with an aggregate.)
    locked = list(
        Unit.objects.select_for_update().filter(pk__in=[keep.pk, gone.pk]).values_list("pk", "parent_id")
    )
    if len(locked) != 2:
        raise UnitError("要合并的单位已不存在")
    accounts = list(User.objects.select_for_update().filter(unit_id=gone.pk).order_by("username"))
    if {u.pk for u in accounts} != set(moving_users):
        names = "、".join(u.username for u in accounts) or "（无）"
        raise UnitError(
            f"合并会把“{gone.name}”的账号改属“{keep.name}”：{names}。请在确认页核对这些账号并勾选确认后再合并"
        )
    gone_parent = dict(locked)[gone.pk]
    if dict(locked)[keep.pk] == gone.pk:
        # `keep` sat under `gone`: it takes gone's place rather than becoming its own parent.
        Unit.objects.filter(pk=keep.pk).update(parent_id=gone_parent if gone_parent != keep.pk else None)
    # Apps above the directory drop their rows that would become duplicates (duban.units.merge).
    rules = merge_rules()
    for rule in rules:
        if rule.before_move is not None:
            rule.before_move(keep, gone)
    moved = _move_references(keep, gone)
    name = gone.name
    gone_pk = gone.pk
    gone.delete()
    Alias.objects.create(unit=keep, name=name)
    after: dict[str, Any] = {
        "unit": keep.pk,
        **{rule.key: moved.pop(rule.reference, 0) for rule in rules},
        "users": moved.pop("accounts.user.unit", 0),
    }
    if accounts:
        after["accounts"] = [u.username for u in accounts]
    if moved:
        after["moved"] = moved
    record(
        acting_user,
        "merge_units",
        keep,
        summary=f"{name} 并入 {keep.name}" + (f"（{len(accounts)} 个账号随之改属）" if accounts else ""),
        before={"unit": gone_pk, "name": name},
        after=after,
    )
    return keep


def _move_references(keep: Unit, gone: Unit) -> dict[str, int]:
    """Point every foreign key that names `gone` at `keep`. The references are found in the model
    registry, so those added by other apps (reports, supervision orders, channels …) move too;
    deleting `gone` afterwards must not cascade to anything."""
    moved: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        unit_fks = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and f.related_model is Unit
        ]
        for f in unit_fks:
            rows = model._base_manager.filter(**{f.attname: gone.pk})
            if model._meta.auto_created:
                # A many-to-many link table: a link `keep` already has makes gone's copy redundant,
                # and a link between the two (a group and its member) would join keep to itself.
                others = [g.attname for g in model._meta.concrete_fields if g.is_relation and g is not f]
                existing = set(model._base_manager.filter(**{f.attname: keep.pk}).values_list(*others))
                loops = [g.attname for g in unit_fks if g is not f]
                redundant = [
                    row[0]
                    for row in rows.values_list("pk", *others)
                    if tuple(row[1:]) in existing
                    or any(row[1 + others.index(a)] in (keep.pk, gone.pk) for a in loops)
                ]
                model._base_manager.filter(pk__in=redundant).delete()
            try:
                with transaction.atomic():
                    n = rows.update(**{f.attname: keep.pk})
            except IntegrityError:
                raise UnitError(
                    f"“{keep.name}”与“{gone.name}”在{model._meta.verbose_name}中有相互冲突的记录，"
                    "不能自动合并，请先处理其中一方"
                ) from None
            if n:
                moved[f"{model._meta.label_lower}.{f.name}"] = n
    return moved
