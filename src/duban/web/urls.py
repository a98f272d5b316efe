from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from duban.plans.urls import unit_urlpatterns as plans_unit_urlpatterns
from duban.units.urls import urlpatterns as units_urlpatterns
from duban.web.api import api


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Every role lands on its work: the supervision overview lists a reporter's reports to write,
    a manager's reports to review, the plans' figures for leaders. The brand and the nav item 督办
    lead here alike."""
    return redirect("tracking:home")


# Chinese pages in the site's layout (duban.web.errors; a 405 is drawn by its middleware).
handler400 = "duban.web.errors.bad_request"
handler403 = "duban.web.errors.permission_denied"
handler404 = "duban.web.errors.page_not_found"
handler500 = "duban.web.errors.server_error"


urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("duban.accounts.urls")),
    path("plans/", include("duban.plans.urls")),
    # One `units:` namespace for two apps' pages: the directory's upkeep (units) and the pages
    # that show units in the plans (plans: list with task counts, 责任清单, workload). Only this
    # layer may join them: units sits below plans and imports nothing of it.
    path("units/", include((plans_unit_urlpatterns + units_urlpatterns, "units"))),
    path("audit/", include("duban.audit.urls")),
    path("exports/", include("duban.exports.urls")),
    path("tracking/", include("duban.tracking.urls")),
    # The inbox, failed deliveries and channels keep the addresses they had inside tracking.
    path("tracking/", include("duban.notifications.urls")),
    path("assessment/", include("duban.assessment.urls")),
    path("tokens/", include("duban.tokens.urls")),
    path("api/", api.urls),
]
