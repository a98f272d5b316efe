"""The 400 page of a query parameter the page cannot use (duban.params.BadParameter).

A middleware rather than a check in every view: the views read their filters through
duban.params and let the refusal rise; this answers it with the parameter's Chinese message,
whatever page it came from. (The API answers the same refusal as JSON: duban.web.api.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from duban.params import BadParameter


class BadParameterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BadParameter):
            return None
        return render(
            request,
            "bad_request.html",
            {"message": exception.message, "name": exception.name},
            status=400,
        )
