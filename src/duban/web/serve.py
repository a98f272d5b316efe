"""Run the platform: gunicorn with a few workers, bound to loopback unless told otherwise, and
beside it exactly one reminder process (`python -m django remind --every SECONDS`).

Why a process of our own and not a scheduler inside the workers: every gunicorn worker would run
the schedule, and nothing would stop two of them sending the same reminder batch at once. One
process started here runs it however many workers there are, and needs no broker or extra
server. (Reminders are idempotent anyway: a cron `duban remind` beside it sends nothing twice.)

The reminder process lives and dies with the server: it is stopped when gunicorn exits (Ctrl+C,
SIGTERM to this process, or gunicorn's own exit), restarted if it dies on its own, and asked by
the kernel to stop should this process be killed outright (gunicorn too).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from types import FrameType

REMIND_EVERY = 300  # seconds between reminder runs
RESTART_AFTER = 60  # a reminder process that died is started again at most this often
POLL = 2  # seconds between looks at the reminder process


def _die_with_parent() -> None:
    """Runs in a child before exec: on Linux the kernel sends it SIGTERM (gunicorn's graceful
    stop) should this process be killed outright, so nothing is left running on its own."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _reminder_child() -> None:
    """Also: Ctrl+C in the terminal is for gunicorn; we stop the reminders ourselves, without a
    KeyboardInterrupt traceback in the middle of the log."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


class _Reminders:
    def __init__(self, every: int, env: dict[str, str]) -> None:
        self.cmd = [sys.executable, "-m", "django", "remind", "--every", str(every)]
        self.env = {**env, "PYTHONUNBUFFERED": "1"}  # each run's summary line shows in the log at once
        self.proc = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        self.started = time.monotonic()
        return subprocess.Popen(self.cmd, env=self.env, stdin=subprocess.DEVNULL, preexec_fn=_reminder_child)

    def check(self) -> None:
        code = self.proc.poll()
        if code is None or time.monotonic() - self.started < RESTART_AFTER:
            return
        print(f"duban serve: 提醒进程已退出（状态 {code}），重新启动", file=sys.stderr, flush=True)
        self.proc = self._start()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def serve(*, host: str, port: int, workers: int, remind_every: int = REMIND_EVERY) -> int:
    """gunicorn until it stops, and one reminder process every `remind_every` seconds (0: none)."""
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.settings")
    cmd = [
        sys.executable, "-m", "gunicorn", "duban.web.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
        "--timeout", "120", "--preload",
        # We do not use gunicorn's control interface; its default socket path is one per user, so two
        # servers on one host would fight over it.
        "--no-control-socket",
    ]  # fmt: skip  # gunicorn's options, each beside its value
    web = subprocess.Popen(cmd, env=env, preexec_fn=_die_with_parent)
    reminders = _Reminders(remind_every, env) if remind_every > 0 else None

    def forward(signum: int, _frame: FrameType | None) -> None:
        web.send_signal(signum)  # gunicorn stops gracefully; the loop below then ends

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return web.wait(timeout=POLL)
            except subprocess.TimeoutExpired:
                if reminders is not None:
                    reminders.check()
    except KeyboardInterrupt:
        # Ctrl+C in a terminal reached gunicorn as well (same process group); a SIGINT sent to this
        # process alone did not: pass it on either way (a second one changes nothing).
        if web.poll() is None:
            web.send_signal(signal.SIGINT)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if reminders is not None:
            reminders.stop()
        try:
            web.wait(timeout=35)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait(timeout=10)
