"""The administrator's trail: every audit row of every object on one page, searchable by who, what
kind of action, which object and when; paginated, and exported to Excel as filtered.

Only the administrator sees it; to anyone else the address does not exist (404). Rows are shown
through duban.audit.display (Chinese labels, names for ids).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from duban.accounts.models import User
from duban.accounts.requests import signed_in
from duban.audit.display import action_choices, changes_text, describe, object_kind, shown_time
from duban.audit.models import AuditEvent
from duban.clock import today
from duban.downloads import download
from duban.office.xlsx import Table, table_to_xlsx

PAGE_SIZE = 50
# The export holds every filtered row up to this many: a year of a province's writes is narrowed
# by the filters first (the page says so when the cap is reached).
EXPORT_LIMIT = 50_000
SYSTEM = "system"


def _object_types() -> list[tuple[str, str]]:
    types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, object_kind(t)) for t in types), key=lambda kv: kv[1])


class TrailFilter(forms.Form):
    actor = forms.ChoiceField(label="操作人", required=False)
    action = forms.ChoiceField(label="操作", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False, max_length=64)
    q = forms.CharField(label="摘要包含", required=False, max_length=100)
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.order_by("username").values_list("pk", "username", "display_name")
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [
            ("", "全部"),
            (SYSTEM, "系统"),
            *((str(pk), f"{shown}（{name}）" if shown else name) for pk, name, shown in users),
        ]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "全部"), *action_choices()]
        kinds = self.fields["object_type"]
        assert isinstance(kinds, forms.ChoiceField)
        kinds.choices = [("", "全部"), *_object_types()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        d = self.cleaned_data
        if d.get("actor") == SYSTEM:
            events = events.filter(actor__isnull=True)
        elif d.get("actor"):
            events = events.filter(actor_id=int(d["actor"]))
        if d.get("action"):
            events = events.filter(action=d["action"])
        if d.get("object_type"):
            events = events.filter(object_type=d["object_type"])
        if d.get("object_id"):
            events = events.filter(object_id=d["object_id"].strip())
        if d.get("q"):
            events = events.filter(Q(summary__icontains=d["q"].strip()))
        # Whole days in the office's time zone, the end day included.
        if d.get("start"):
            events = events.filter(at__gte=_midnight(d["start"]))
        if d.get("end"):
            events = events.filter(at__lt=_midnight(d["end"] + dt.timedelta(days=1)))
        return events


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@login_required
@require_safe
def trail(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not user.is_admin:
        raise Http404("页面不存在")
    form = TrailFilter(request.GET or None)
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if form.is_bound and form.is_valid():
        events = form.apply(events)
    elif form.is_bound:
        events = events.none()
    if request.GET.get("format") == "xlsx":
        return _xlsx(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "export_url": f"?{params.urlencode()}&format=xlsx" if params else "?format=xlsx",
        },
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


def _xlsx(events: QuerySet[AuditEvent]) -> HttpResponse:
    shown = describe(events[:EXPORT_LIMIT])
    table = Table(
        "操作记录",
        ("时间", "操作人", "操作", "对象类型", "对象", "对象编号", "摘要", "修改内容"),
        [
            (
                shown_time(s.event),
                s.actor,
                s.action,
                s.object_kind,
                s.object_name,
                s.event.object_id,
                s.event.summary,
                changes_text(s),
            )
            for s in shown
        ],
        facts=f"导出日期：{today().isoformat()}，共 {len(shown)} 条",
        sheet="操作记录",
    )
    return download(table_to_xlsx(table), name="操作记录", fallback="audit", fmt="xlsx")
