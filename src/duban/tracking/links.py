"""The addresses of tracking's pages that messages link to (tracking/urls.py: change them together)."""

from __future__ import annotations


def task_link(task_id: int) -> str:
    return f"/tracking/tasks/{task_id}/"


def report_link(report_id: int) -> str:
    return f"/tracking/reports/{report_id}/"


def order_link(order_id: int) -> str:
    return f"/tracking/orders/{order_id}/"


def period_link(period_id: int) -> str:
    return f"/tracking/periods/{period_id}/"
