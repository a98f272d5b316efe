from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import include, path

from duban.web.api import api


@login_required
def home(request):  # type: ignore[no-untyped-def]
    return redirect("plans:list")


urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("duban.accounts.urls")),
    path("plans/", include("duban.plans.urls")),
    path("units/", include("duban.units.urls")),
    path("audit/", include("duban.audit.urls")),
    path("exports/", include("duban.exports.urls")),
    path("tracking/", include("duban.tracking.urls")),
    path("assessment/", include("duban.assessment.urls")),
    path("tokens/", include("duban.tokens.urls")),
    path("api/", api.urls),
]
