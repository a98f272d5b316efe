"""Plan pages. Reads go through access.py, writes through actions.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duban.plans.access import visible_plans


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(request.user).filter(is_current=True)
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/import.html", {})
