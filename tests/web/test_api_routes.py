"""The README's list of API routes is the one the code makes (duban.web.api_routes)."""

from __future__ import annotations

from pathlib import Path

from duban.web.api import api
from duban.web.api_routes import END, START, routes_markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_every_api_route_as_the_code_makes_them() -> None:
    text = README.read_text("utf-8")
    start, end = text.index(START), text.index(END) + len(END)
    assert text[start:end] == routes_markdown(api.get_openapi_schema()), (
        "README's API routes are out of date: python -m duban.web.api_routes"
    )


def test_the_list_names_every_operation_once() -> None:
    schema = api.get_openapi_schema()
    table = routes_markdown(schema)
    for path, operations in schema["paths"].items():
        for method in operations:
            assert table.count(f"| {method.upper()} | `{path}` |") == 1
