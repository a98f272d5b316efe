"""Notices made before they named their work (0002): the topic read back from the dedupe key
(which says what each was about), and those whose work is done since resolved, so an existing
inbox sheds its stale notices too. Reminders of reports (owe:…) are settled by the next reminder
run, digests by the next day's."""

import re
from collections.abc import Callable
from typing import Any

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

Done = Callable[[Any], bool]

# (dedupe key pattern, topic, the row the work is about, whether that work is done)
KEYS: tuple[tuple[str, str, tuple[str, str] | None, Done | None], ...] = (
    (r"^submitted:r(\d+):", "review:r{}", ("tracking", "ProgressReport"), lambda o: o.status != "submitted"),
    (r"^report_returned:r(\d+):", "correct:r{}", ("tracking", "ProgressReport"), lambda o: o.status != "returned"),
    (r"^(?:issued|escalated-\w+|order-overdue):o(\d+):", "reply:o{}", ("tracking", "SupervisionOrder"), lambda o: o.status != "open"),
    (r"^replied:o(\d+):", "close:o{}", ("tracking", "SupervisionOrder"), lambda o: o.status == "closed"),
    (r"^appeal-filed:ap(\d+):", "decide:ap{}", ("assessment", "Appeal"), lambda o: o.status != "filed"),
    (r"^(?:due|overdue):p(\d+):unit(\d+):", "owe:p{}:unit{}", None, None),
    (r"^overdue-list:p(\d+):", "owe:p{}", None, None),
    (r"^digest:unit(\d+):(\d{4}-\d\d-\d\d):", "digest:unit{}:{}", None, None),
)


def backfill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Notification = apps.get_model("notifications", "Notification")
    at = timezone.now()
    patterns = [(re.compile(p), topic, model, done) for p, topic, model, done in KEYS]
    for note in Notification.objects.filter(topic="").only("pk", "dedupe_key", "read_at").iterator():
        for pattern, topic, model, done in patterns:
            m = pattern.match(note.dedupe_key)
            if m is None:
                continue
            fields: dict[str, Any] = {"topic": topic.format(*m.groups())}
            if model is not None and done is not None:
                row = apps.get_model(*model).objects.filter(pk=int(m.group(1))).first()
                if row is None or done(row):
                    fields.update(resolved_at=at, read_at=note.read_at or at)
            Notification.objects.filter(pk=note.pk).update(**fields)
            break


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notices_resolve_with_their_work"),
        ("tracking", "0005_report_accepted_at"),
        ("assessment", "0002_line_text"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
