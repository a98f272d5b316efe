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
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

MB = 1024 * 1024
# Imported once by the fork server, so that each child starts with them ready.
_PRELOAD = ["duban.extract", "openpyxl", "docx", "pdfplumber"]


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
    ctx = _forkserver()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, limits, fn, args, kwargs), daemon=True)
    child.start()
    send.close()  # the child holds the sending end: EOF here means it is gone
    try:
        if not receive.poll(limits.wall_seconds):
            raise LimitExceeded(f"处理时间超过 {limits.wall_seconds:g} 秒，已停止")
        try:
            ok, value = receive.recv()
        except EOFError:
            raise LimitExceeded(_why_it_died(child, limits)) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


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
    except Exception as exc:  # the parse's own refusal travels back to be raised in the parent
        result = (False, exc)
    try:
        send.send(result)
    except Exception:  # an unpicklable result or exception: say so rather than hang
        send.send((False, RuntimeError(f"子进程结果无法传回：{type(result[1]).__name__}")))
    finally:
        send.close()
