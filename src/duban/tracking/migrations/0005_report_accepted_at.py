"""A report keeps when it was accepted (ProgressReport.accepted_at), so the assessment no longer
reads the audit trail to learn which superseded reports had been accepted.

Existing reports take the time of their `accept_report` audit row: exactly what the assessment
read until now, so every result stays the same. Reports still accepted but without such a row
(written by scripts or bulk loads that audit nothing) take their review time, which for an
accepted report is its acceptance; a superseded report without one stays unset, as the
assessment never counted it either.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Cast


def fill_accepted_at(apps: Any, schema_editor: Any) -> None:
    ProgressReport = apps.get_model("tracking", "ProgressReport")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    # One UPDATE with a subquery per report through the audit's (object_type, object_id) index,
    # rather than every audit row through Python.
    accepted = (
        AuditEvent.objects.filter(
            object_type="tracking.progressreport",
            action="accept_report",
            object_id=Cast(OuterRef("pk"), models.CharField(max_length=64)),
        )
        .order_by("at")
        .values("at")[:1]
    )
    ProgressReport.objects.filter(reviewed_at__isnull=False).update(accepted_at=Subquery(accepted))
    ProgressReport.objects.filter(status="accepted", accepted_at__isnull=True).update(
        accepted_at=F("reviewed_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("tracking", "0004_move_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressreport",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="通过时间"),
        ),
        migrations.RunPython(fill_accepted_at, migrations.RunPython.noop),
    ]
