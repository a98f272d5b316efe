"""Unit pages. Reads go through access.py, writes through actions.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duban.units.access import visible_units


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "units/unit_list.html", {"units": visible_units(request.user)})
