"""The API's coverage as the README lists it, made from the API's own route table (its OpenAPI
schema), so that the list cannot drift from the code: `python -m duban.web.api_routes` prints
it, and tests/web/test_api_routes.py checks the README holds exactly that."""

from __future__ import annotations

import os
from typing import Any

START = "<!-- api-routes: made by python -m duban.web.api_routes -->"
END = "<!-- /api-routes -->"


def routes_markdown(schema: dict[str, Any]) -> str:
    """One table per tag (the API docs' groups), a row per operation: method, path, summary."""
    by_tag: dict[str, list[tuple[str, str, str]]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["其他"])[0]
            by_tag.setdefault(tag, []).append((method.upper(), path, operation.get("summary", "")))
    lines = [START]
    for tag, rows in by_tag.items():
        lines += ["", f"**{tag}**", "", "| | 路径 | 用途 |", "|---|---|---|"]
        lines += [f"| {method} | `{path}` | {summary} |" for method, path, summary in rows]
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.test_settings")
    import django

    django.setup()
    from duban.web.api import api

    print(routes_markdown(api.get_openapi_schema()))


if __name__ == "__main__":
    main()
