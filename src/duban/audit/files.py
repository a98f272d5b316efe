"""The sweep of orphaned files, written down: duban.evidence removes the stored files no row
names (and the temporary files of killed uploads), and the trail keeps how many and which, as
the system's own act."""

from __future__ import annotations

import datetime as dt

from duban.audit.models import AuditEvent
from duban.audit.record import bounded
from duban.clock import now
from duban.evidence import sweep_orphans

LISTED = 200  # names kept in the audit row; the count is always whole


def sweep_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Remove orphaned files older than `older_than`; one audit row when any was removed."""
    removed = sweep_orphans(now=now(), older_than=older_than)
    if removed:
        AuditEvent.objects.create(
            at=now(),
            action="sweep_files",
            object_type="files",
            object_id="",
            summary=f"清理无主文件 {len(removed)} 个（没有任何记录引用，且超过 {_age(older_than)}）",
            after=bounded({"removed": len(removed), "files": removed[:LISTED]}),
        )
    return removed


def _age(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} 小时" if minutes % 60 == 0 and minutes else f"{minutes} 分钟"
