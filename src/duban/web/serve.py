"""Run the platform: gunicorn with a few workers, bound to loopback unless told otherwise."""

from __future__ import annotations

import os
import subprocess
import sys


def serve(*, host: str, port: int, workers: int) -> int:
    cmd = [
        sys.executable, "-m", "gunicorn", "duban.web.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
        "--timeout", "120",
    ]
    try:
        return subprocess.call(cmd, env=os.environ.copy())
    except KeyboardInterrupt:
        return 0
