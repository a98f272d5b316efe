from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import include, path, re_path
from django.views.static import serve

from duban.web.api import api
from duban.web.settings import PACKAGE_DIR


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
    # The inbox, failed deliveries and channels keep the addresses they had inside tracking.
    path("tracking/", include("duban.notifications.urls")),
    path("assessment/", include("duban.assessment.urls")),
    path("tokens/", include("duban.tokens.urls")),
    path("api/", api.urls),
    # Static files are served by the app itself: an intranet install has no CDN and often no proxy.
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": PACKAGE_DIR / "static"}),
]
