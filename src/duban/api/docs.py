"""The OpenAPI docs page, served entirely from the installed packages: intranets have no CDN.

django-ninja's own page loads Swagger UI from a CDN unless "ninja" is an installed app, and even
then expects its files under STATIC_URL, which this site serves from duban/static only. So the page
is rendered here and the Swagger UI files that ninja ships in its package are served by one route
(pinned with django-ninja itself; Swagger UI is Apache-2.0, see ninja's package for its notices).
"""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template import Context, Engine
from django.urls import reverse
from django.views.static import serve
from ninja import Router
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = {
    "css": "swagger-ui.css",
    "bundle": "swagger-ui-bundle.js",
    # ninja's starter script: reads the settings below and adds the CSRF header for session users.
    "init": "swagger-ui-init.js",
    "favicon": "favicon.svg",
}
_ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")])

router = Router(tags=["文档"])


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        swagger_settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # Swagger UI would otherwise send the schema to validator.swagger.io.
            "validatorUrl": None,
        }
        assets = {
            key: reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})
            for key, name in ASSETS.items()
        }
        html = _ENGINE.get_template("api/docs.html").render(
            Context(
                {
                    "title": api.title,
                    "assets": assets,
                    "swagger_settings": swagger_settings,
                    "csrf_token": get_token(request),
                }
            )
        )
        return HttpResponse(html)


@router.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs-asset")
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in ASSETS.values():
        raise Http404("文件不存在")
    response = serve(request, name, document_root=str(NINJA_STATIC))
    response["Cache-Control"] = "public, max-age=86400"
    return response
