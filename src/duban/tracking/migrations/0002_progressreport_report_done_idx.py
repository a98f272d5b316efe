"""The assessment's completion query reads the task reports claiming 已完成 through their own
covering index instead of every report of the window (benchmarks/assessment_scale.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(
                condition=models.Q(("kind", "report"), ("progress", "done")),
                fields=["task", "period", "status", "reviewed_at", "submitted_at", "unit", "kind", "progress"],
                name="report_done_idx",
            ),
        ),
    ]
