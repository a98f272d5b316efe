"""The audit trail as people read it: each row's action, object and changes in Chinese, with names
instead of ids (units, plans, users …) and plain values instead of Python's notation.

The words are data (data/labels.json). A key of before/after that is a field of the audited
object's model shows that field's verbose_name and its choices' labels, read from the model
registry; other keys are looked up in the data file. Ids are turned into names through the model
registry as well (`references`), a query per model for a whole page: the audit sits below the
apps whose rows it names, so it reads them by label and imports none of them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from duban.audit.models import AuditEvent

EMPTY = "（空）"


@dataclass(frozen=True)
class Labels:
    actions: Mapping[str, str]
    fields: Mapping[str, str]
    references: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]
    objects: Mapping[str, str]


@cache
def labels() -> Labels:
    raw = json.loads(resources.files("duban.audit").joinpath("data/labels.json").read_text("utf-8"))
    return Labels(raw["actions"], raw["fields"], raw["references"], raw["values"], raw["objects"])


def action_label(code: str) -> str:
    """The action in Chinese; an unknown code (a newer app's) is shown as it is."""
    return labels().actions.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    return sorted(labels().actions.items(), key=lambda kv: kv[1])


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_kind(object_type: str) -> str:
    if object_type in labels().objects:
        return labels().objects[object_type]
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _model_field(object_type: str, key: str) -> models.Field[Any, Any] | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(object_type: str, key: str) -> str:
    field = _model_field(object_type, key)
    # A field named in Chinese by its model wins; Django's default (the attribute name) does not.
    if field is not None and str(field.verbose_name) != field.name.replace("_", " "):
        return str(field.verbose_name)
    return labels().fields.get(key, key)


def _reference(object_type: str, key: str) -> str | None:
    refs = labels().references
    return refs.get(f"{object_type}.{key}") or refs.get(key)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ShownEvent:
    event: AuditEvent
    action: str
    actor: str
    object_kind: str
    object_name: str
    changes: list[Change]


class Names:
    """Names of the rows a page of events refers to: collected first, read in one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[str]] = defaultdict(set)
        self.found: dict[str, dict[str, str]] = {}

    def want(self, label: str, value: Any) -> None:
        for v in value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]:
            if isinstance(v, int | str) and str(v).isdigit():
                self.wanted[label].add(str(v))

    def load(self) -> None:
        for label, ids in self.wanted.items():
            model = _model(label)
            if model is None:
                continue
            keys = sorted(int(i) for i in ids if len(i) <= 18)
            found = self.found.setdefault(label, {})
            # In slices: SQLite refuses a statement with too many parameters (an export of 50,000 rows).
            for n in range(0, len(keys), 900):
                found.update(
                    (str(o.pk), str(o)) for o in model._base_manager.filter(pk__in=keys[n : n + 900])
                )

    def name(self, label: str, value: Any) -> str:
        got = self.found.get(label, {}).get(str(value))
        if got is not None:
            return got
        return f"#{value}（已删除）"


def _plain(value: Any, choices: Mapping[str, str]) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool) or value in ("True", "False"):
        return "是" if value in (True, "True") else "否"
    if isinstance(value, list):
        return "、".join(_plain(v, choices) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v, choices)}" for k, v in value.items())
    if isinstance(value, str) and value in choices:
        return choices[value]
    return str(value)


def _choices(object_type: str, key: str) -> dict[str, str]:
    field = _model_field(object_type, key)
    if field is not None and field.choices:
        return {str(k): str(v) for k, v in field.flatchoices}
    return dict(labels().values.get(key, {}))


def _shown(object_type: str, key: str, value: Any, names: Names) -> str:
    ref = _reference(object_type, key)
    if ref is None or value is None:
        return _plain(value, _choices(object_type, key))
    if isinstance(value, dict):  # printed name → id (an import's units)
        return "；".join(f"{k} → {names.name(ref, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(names.name(ref, v) for v in value) or EMPTY
    return names.name(ref, value)


def changes(event: AuditEvent, names: Names) -> list[Change]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    out = []
    for key in dict.fromkeys([*before, *after]):
        if key in before and key in after and before[key] == after[key]:
            continue  # a whole state written on both sides: only what differs is a change
        out.append(
            Change(
                field_label(event.object_type, key),
                _shown(event.object_type, key, before[key], names) if key in before else "",
                _shown(event.object_type, key, after[key], names) if key in after else "",
            )
        )
    return out


def describe(events: Iterable[AuditEvent]) -> list[ShownEvent]:
    """The events as shown: every name they refer to read at once (a query per model)."""
    events = list(events)
    names = Names()
    for e in events:
        if e.object_id:
            names.want(e.object_type, e.object_id)
        for side in (e.before, e.after):
            for key, value in (side or {}).items() if isinstance(side, dict) else ():
                ref = _reference(e.object_type, key)
                if ref is not None and value is not None:
                    names.want(ref, value)
    names.load()
    return [
        ShownEvent(
            event=e,
            action=action_label(e.action),
            actor=str(e.actor) if e.actor is not None else "系统",
            object_kind=object_kind(e.object_type),
            object_name=names.found.get(e.object_type, {}).get(
                e.object_id, f"#{e.object_id}" if e.object_id else ""
            ),
            changes=changes(e, names),
        )
        for e in events
    ]


def changes_text(shown: ShownEvent) -> str:
    """The changes in one cell (the Excel export): 字段：旧 → 新, one a line."""
    return "\n".join(_change_line(c) for c in shown.changes)


def _change_line(c: Change) -> str:
    if c.before and c.after:
        return f"{c.field}：{c.before} → {c.after}"
    return f"{c.field}：{c.after or c.before}"


def shown_time(event: AuditEvent) -> str:
    return timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
