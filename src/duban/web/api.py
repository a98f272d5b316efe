"""The REST API under /api/ (django-ninja), with OpenAPI docs served from the package."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="督办 API", version="1", urls_namespace="api")
