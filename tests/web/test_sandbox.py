"""Untrusted parses run in a limited child process (duban.sandbox): what they return comes back,
what they raise is raised here, and memory, CPU time and wall time are bounded."""

from __future__ import annotations

import os
import resource
import time

import pytest

from duban.extract import ExtractError, extract
from duban.sandbox import LimitExceeded, Limits, run_limited, run_measured

SMALL = Limits(memory_mb=300, cpu_seconds=2, wall_seconds=5)


def plan_tasks(data: bytes, filename: str) -> list[str]:
    return [t.id for t in extract(data, filename=filename).tasks]


def hog_memory() -> int:
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB, touched
    return len(blocks)


def spin() -> None:
    while True:
        pass


def sleep_long() -> None:
    time.sleep(60)


def child_pid() -> int:
    return os.getpid()


def test_it_returns_what_the_parse_returns() -> None:
    data = "XX区任务分解方案\n一、基层治理\n1、完善网格化管理。（区民政局牵头）\n".encode()
    assert run_limited(plan_tasks, data, "方案.txt", limits=SMALL) == ["1"]
    assert run_limited(child_pid, limits=SMALL) != os.getpid()


def test_it_raises_what_the_parse_raises() -> None:
    with pytest.raises(ExtractError, match=r"empty\.txt"):
        run_limited(plan_tasks, b"", "empty.txt", limits=SMALL)


def test_it_stops_a_parse_that_wants_too_much_memory() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="内存超过 300 MB"):
        run_limited(hog_memory, limits=SMALL)
    assert time.monotonic() - started < 5
    # The memory was the child's: this process did not grow by gigabytes.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


def test_it_stops_a_parse_that_computes_too_long() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="计算时间超过 2 秒"):
        run_limited(spin, limits=SMALL)
    assert time.monotonic() - started < 5


def test_it_stops_a_parse_that_waits_too_long() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="处理时间超过 1 秒"):
        run_limited(sleep_long, limits=Limits(memory_mb=300, cpu_seconds=2, wall_seconds=1))
    assert time.monotonic() - started < 3


def hold_memory(mb: int) -> int:
    block = bytearray(mb * 1024 * 1024)  # zero-filled, so touched: resident
    return len(block) // (1024 * 1024)


def test_it_measures_what_the_child_cost() -> None:
    value, usage = run_measured(hold_memory, 120, limits=SMALL)
    assert value == 120
    assert 120 <= usage.peak_mb < 300 and usage.wall_seconds < 5
    small, usage_small = run_measured(hold_memory, 1, limits=SMALL)
    assert small == 1 and usage_small.peak_mb < usage.peak_mb - 100


def test_it_measures_a_child_a_limit_stopped_and_returns_the_refusal() -> None:
    value, usage = run_measured(spin, limits=SMALL)
    assert isinstance(value, LimitExceeded) and "计算时间超过 2 秒" in value.reason
    assert usage.peak_mb > 0 and 2 <= usage.wall_seconds < 5
