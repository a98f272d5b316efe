"""Untrusted files are parsed in a child process with limits, so that a hostile one costs bounded
time and memory and the web worker stays small.

A crafted .xlsx whose shared strings unpack to 850 MB, a docx of 51 MB of XML, a 3.5 KB PDF that
draws 200,000 characters: parsed inside a gunicorn worker, each held it for minutes and left it
at a gigabyte. Here the parse runs in a process forked from a small, clean server process
(multiprocessing's forkserver, started once per worker with the parsers imported), which sets
RLIMIT_AS (address space) and RLIMIT_CPU on itself before it reads a byte; the parent waits at
most the wall-time limit and kills it after. Only the parse's result comes back (pickled).

Why a fork server and not a plain fork: a fork of the worker inherits its hundreds of megabytes
of address space, so a memory limit on it would say little about the parse; a spawn would import
everything again on every upload.

The function a child runs must not need Django (the fork server never sets it up): the uploads
give it pure modules (duban.plans.reading, duban.office.containers, duban.tracking.bulk.workbook).
run_measured also tells what the child cost (its peak memory and CPU time), for the hostile-file
tests and benchmarks/hostile_files.py.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

MB = 1024 * 1024
# Imported once by the fork server, so that each child starts with them ready.
_PRELOAD = [
    "duban.extract",
    "duban.extract.read_docx",
    "duban.extract.read_sheet",
    "duban.extract.read_pdf",
    "duban.office.containers",
    "duban.plans.reading",
    "duban.tracking.bulk.workbook",
]


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 512  # address space of the child (its whole virtual memory)
    cpu_seconds: int = 20
    wall_seconds: float = 30.0


class LimitExceeded(Exception):
    """The file needed more than a limit allows: `reason` says which, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Usage:
    """What a child cost: its peak resident memory (MB), CPU time and wall time (seconds)."""

    peak_mb: float
    cpu_seconds: float
    wall_seconds: float


_context: multiprocessing.context.ForkServerContext | None = None


def _forkserver() -> multiprocessing.context.ForkServerContext:
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        _context = ctx
    return _context


def run_limited(fn: Callable[..., T], *args: Any, limits: Limits = Limits(), **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a child process under `limits`; its result, or the exception it
    raised (re-raised here), or LimitExceeded when a limit stopped it. `fn` must be a module-level
    function (the child imports it by name) and its result picklable."""
    ok, value, _ = _run(fn, args, kwargs, limits, watch=False)
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def run_measured(
    fn: Callable[..., T], *args: Any, limits: Limits = Limits(), **kwargs: Any
) -> tuple[T | BaseException, Usage]:
    """As run_limited, but the exception is returned rather than raised, with what the child cost.
    A child that ends normally reports its own peak; one a limit killed is measured from outside
    (its /proc status, read every 20 ms), so its peak may be a little low."""
    _, value, usage = _run(fn, args, kwargs, limits, watch=True)
    return value, usage


def _run(
    fn: Callable[..., Any], args: Any, kwargs: Any, limits: Limits, *, watch: bool
) -> tuple[bool, Any, Usage]:
    ctx = _forkserver()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, limits, fn, args, kwargs), daemon=True)
    started = time.monotonic()
    child.start()
    send.close()  # the child holds the sending end: EOF here means it is gone
    seen_kb = 0
    try:
        deadline = started + limits.wall_seconds
        while not receive.poll(
            max(0.0, min(0.02, deadline - time.monotonic())) if watch else limits.wall_seconds
        ):
            if not watch or time.monotonic() >= deadline:
                error: BaseException = LimitExceeded(f"处理时间超过 {limits.wall_seconds:g} 秒，已停止")
                return False, error, Usage(seen_kb / 1024, limits.wall_seconds, time.monotonic() - started)
            seen_kb = max(seen_kb, _peak_kb(child.pid))
        try:
            ok, value, peak_kb, cpu = receive.recv()
        except EOFError:
            error = LimitExceeded(_why_it_died(child, limits))
            return False, error, Usage(seen_kb / 1024, float("nan"), time.monotonic() - started)
        return ok, value, Usage(max(peak_kb, seen_kb) / 1024, cpu, time.monotonic() - started)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _peak_kb(pid: int | None) -> int:
    """A live process's peak resident memory so far (VmHWM, kB), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _why_it_died(child: multiprocessing.process.BaseProcess, limits: Limits) -> str:
    child.join(5)
    if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"处理所需计算时间超过 {limits.cpu_seconds} 秒，已停止"
    return f"处理所需内存超过 {limits.memory_mb} MB，已停止"


def _child(send: Connection, limits: Limits, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
    memory = limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU (which ends the process); the hard one a second later SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    try:
        result: tuple[bool, Any] = (True, fn(*args, **kwargs))
    except MemoryError:
        result = (False, LimitExceeded(f"处理所需内存超过 {limits.memory_mb} MB，已停止"))
    except RecursionError:
        result = (False, LimitExceeded("文件结构嵌套过深，已停止"))
    except Exception as exc:  # the parse's own refusal travels back to be raised in the parent
        result = (False, exc)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cost = (usage.ru_maxrss, usage.ru_utime + usage.ru_stime)  # kB; seconds
    try:
        send.send((*result, *cost))
    except Exception:  # an unpicklable result or exception: say so rather than hang
        send.send((False, RuntimeError(f"子进程结果无法传回：{type(result[1]).__name__}"), *cost))
    finally:
        send.close()
