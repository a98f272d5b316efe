"""The audit trail keeps a bounded copy of long texts (issue: a 15 MB narrative saved three times
grew the database by 95 MB through the trail's before/after copies)."""

from __future__ import annotations

import hashlib
from typing import Any

from duban.audit.models import AuditEvent
from duban.audit.record import MAX_TEXT, record
from duban.units.models import Unit


def test_it_cuts_long_texts_and_keeps_their_length_and_digest(db: Any) -> None:
    unit = Unit.objects.create(name="区档案局")
    long = "进展" * 500_000  # a million characters
    record(None, "save_draft", unit, before={"narrative": long}, after={"parts": [long, "短"], "n": 3})
    event = AuditEvent.objects.get()
    assert event.before is not None and event.after is not None
    cut = event.before["narrative"]
    assert len(cut) < MAX_TEXT + 100
    assert cut.startswith(long[:MAX_TEXT]) and "共 1000000 字" in cut
    assert hashlib.sha256(long.encode()).hexdigest()[:16] in cut
    assert event.after["parts"][0] == cut and event.after["parts"][1] == "短" and event.after["n"] == 3


def test_it_keeps_short_values_as_they_are(db: Any) -> None:
    unit = Unit.objects.create(name="区档案局")
    record(None, "rename_unit", unit, before={"name": "档案局"}, after={"name": "区档案局"})
    assert AuditEvent.objects.get().after == {"name": "区档案局"}
