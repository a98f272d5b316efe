"""What every hostile upload is held to: nothing stored (no new row in any table, no new file in
the data folder, uploads' temporary folder included), the web worker's own memory bounded (its
peak resident memory during the request, measured in this very process), and the time bounded.

The peak is Linux's VmHWM, reset before the request (writing 5 to /proc/self/clear_refs): the
parse of a crafted workbook inside the worker raised it by 600 MB to 2.3 GB; in the sandbox's
child it costs the worker nothing but the upload itself.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings

from .files import MAKERS

# The worker may grow by the upload's own copies (the test client's encoding of the request, the
# body Django reads, the bytes the view reads, their pickle on the way to the child: about five)
# and a little more, never by what parsing it costs (hundreds of MB for these files).
WORKER_MB = 40
COPIES = 6
SECONDS = 8.0  # a refusal's goal is 5 s (benchmarks/hostile_files.py); this machine is shared


@functools.cache
def hostile(maker: str) -> tuple[str, bytes]:
    """A hostile file, made once per test session (the bombs take seconds to deflate)."""
    return MAKERS[maker]()


def rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def files() -> set[Path]:
    found: set[Path] = set()
    for root in (Path(settings.MEDIA_ROOT), Path(settings.FILE_UPLOAD_TEMP_DIR)):
        if root.exists():
            found |= {p for p in root.rglob("*") if p.is_file()}
    return found


def _status_kb(field_name: str) -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.MULTILINE)
    assert match, field_name
    return int(match[1])


@dataclass
class Cost:
    seconds: float = 0.0
    worker_growth_mb: float = 0.0  # the peak during the request above the resident size before it
    rows_before: dict[str, int] = field(default_factory=dict)
    files_before: set[Path] = field(default_factory=set)

    def assert_nothing_stored(self) -> None:
        assert rows() == self.rows_before
        assert files() == self.files_before

    def assert_bounded(self, upload: bytes) -> None:
        assert self.seconds < SECONDS, f"{self.seconds:.1f} s"
        allowed = WORKER_MB + COPIES * len(upload) / 2**20
        assert self.worker_growth_mb < allowed, f"the worker grew by {self.worker_growth_mb:.0f} MB"


@contextmanager
def measured(*, stored: bool = True) -> Iterator[Cost]:
    """The cost of the block: time, the worker's peak memory above where it stood, and (with
    `stored`, which needs the database) the rows and files before it, to compare with after."""
    cost = Cost(rows_before=rows(), files_before=files()) if stored else Cost()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status_kb("VmRSS")
    started = time.monotonic()
    yield cost
    cost.seconds = time.monotonic() - started
    cost.worker_growth_mb = (_status_kb("VmHWM") - before) / 1024


def warm(upload: Callable[[], object]) -> None:
    """One harmless upload first, so that what is loaded once per worker (the fork server, a
    template, a library imported on first use) is not counted against a hostile one."""
    upload()
