"""The task page's indicator chart holds only lines that are there: without a deadline there is no
trajectory, and no legend entry for it."""

from __future__ import annotations

from typing import Any

from duban.accounts.models import User
from duban.plans.models import Section, Task

from . import test_views as shared
from .test_views import charts_of, client_for, url

people, world = shared.people, shared.world


def test_it_leaves_out_the_trajectory_of_a_target_without_a_deadline(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:
    task = world["task"]
    task.targets.update(by_year=None)
    type(task).objects.filter(pk=task.pk).update(deadline=None, deadline_text="")
    (chart,) = charts_of(client_for(people["manager"]).get(url("task", world)).content.decode()).values()
    assert [s["name"] for s in chart["series"]] == ["报送值"]
    assert chart["series"][0]["data"] == [["2025-03-01", 60.0]]
    assert chart["marks_x"] == []


def test_a_section_that_owes_nothing_has_no_rate_in_the_chart(
    people: dict[str, User | None], world: dict[str, Any]
) -> None:

    plan = world["task"].plan
    quiet = Section.objects.create(plan=plan, title="九、无责任单位的部分", order=99)
    Task.objects.create(
        plan=plan, section=quiet, number="99", title="无人报送", text="无人报送的任务。", order=99
    )
    body = client_for(people["manager"]).get(url("period", world)).content.decode()
    rate = charts_of(body)["chart-section-rate"]
    lights = charts_of(body)["chart-section-lights"]
    assert "九、无责任单位的部分" in lights["categories"]
    assert "九、无责任单位的部分" not in rate["categories"]
