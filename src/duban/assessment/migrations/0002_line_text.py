"""What a line says moves to LineText, kept once per assessment: each ResultLine keeps its
result, order and sources and points at its text; and a line's result is no longer checked by
the database (benchmarks/assessment_scale.py; the models say why).

Existing lines get texts made from their own columns (under signatures the engine never makes),
and every result's digest (now a hash per ten lines) is cleared, so the next computation of an
open assessment rewrites its lines with texts of its own and removes these. Reversible: the
columns are filled back from the texts."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

CONTENT = ["section", "label", "kind", "points", "max_points", "reason", "item_ref"]


def lines_to_texts(apps: Any, schema_editor: Any) -> None:
    ResultLine = apps.get_model("assessment", "ResultLine")
    LineText = apps.get_model("assessment", "LineText")
    Result = apps.get_model("assessment", "Result")
    db = schema_editor.connection.alias
    for assessment_id in Result.objects.using(db).order_by().values_list("assessment_id", flat=True).distinct():
        lines = ResultLine.objects.using(db).filter(result__assessment_id=assessment_id)
        by_content: dict[tuple[Any, ...], list[int]] = {}
        for pk, *content in lines.values_list("pk", *CONTENT).iterator(chunk_size=5000):
            by_content.setdefault(tuple(content), []).append(pk)
        for n, (content, ids) in enumerate(by_content.items()):
            text = LineText.objects.using(db).create(assessment_id=assessment_id, sig=f"migrated-{n}",
                                                     **dict(zip(CONTENT, content, strict=True)))
            for start in range(0, len(ids), 500):
                ResultLine.objects.using(db).filter(pk__in=ids[start:start + 500]).update(text_id=text.pk)
    Result.objects.using(db).update(digest="")


def texts_to_lines(apps: Any, schema_editor: Any) -> None:
    ResultLine = apps.get_model("assessment", "ResultLine")
    LineText = apps.get_model("assessment", "LineText")
    db = schema_editor.connection.alias
    # The lines of each text by one reading of the lines (their text has no index), then updated
    # by primary key.
    by_text: dict[int, list[int]] = {}
    for text_id, pk in ResultLine.objects.using(db).values_list("text_id", "pk").iterator(chunk_size=5000):
        by_text.setdefault(text_id, []).append(pk)
    for text in LineText.objects.using(db).iterator(chunk_size=1000):
        ids = by_text.get(text.pk, [])
        for start in range(0, len(ids), 500):
            ResultLine.objects.using(db).filter(pk__in=ids[start:start + 500]).update(
                **{f: getattr(text, f) for f in CONTENT})


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resultline",
            name="result",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="lines", to="assessment.result"),
        ),
        migrations.CreateModel(
            name="LineText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sig", models.CharField(max_length=32)),
                ("section", models.CharField(blank=True, max_length=200, verbose_name="部分")),
                ("label", models.CharField(max_length=300, verbose_name="项目")),
                ("kind", models.CharField(choices=[("item", "得分"), ("deduction", "扣分"), ("bonus", "加分"),
                                                   ("veto", "一票否决")], max_length=12, verbose_name="类型")),
                ("points", models.DecimalField(decimal_places=2, max_digits=10, verbose_name="得分")),
                ("max_points", models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True,
                                                   verbose_name="分值")),
                ("reason", models.TextField(verbose_name="说明")),
                ("item_ref", models.BigIntegerField(blank=True, null=True, verbose_name="考核项目")),
                ("assessment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                 to="assessment.assessment")),
            ],
        ),
        migrations.AddConstraint(
            model_name="linetext",
            constraint=models.UniqueConstraint(fields=("assessment", "sig"), name="line_text_per_assessment"),
        ),
        migrations.AddField(
            model_name="resultline",
            name="text",
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="assessment.linetext"),
        ),
        # Nullable while the data moves, so that the reverse can add the columns back before
        # filling them.
        migrations.AlterField(
            model_name="resultline", name="label", field=models.CharField(max_length=300, null=True, verbose_name="项目")
        ),
        migrations.AlterField(
            model_name="resultline", name="kind",
            field=models.CharField(choices=[("item", "得分"), ("deduction", "扣分"), ("bonus", "加分"),
                                            ("veto", "一票否决")], max_length=12, null=True, verbose_name="类型"),
        ),
        migrations.AlterField(
            model_name="resultline", name="points",
            field=models.DecimalField(decimal_places=2, max_digits=10, null=True, verbose_name="得分"),
        ),
        migrations.AlterField(
            model_name="resultline", name="reason", field=models.TextField(null=True, verbose_name="说明")
        ),
        migrations.AlterField(model_name="result", name="digest", field=models.TextField(blank=True)),
        migrations.RunPython(lines_to_texts, texts_to_lines, elidable=True),
        migrations.AlterField(
            model_name="resultline",
            name="text",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to="assessment.linetext"),
        ),
        migrations.RemoveField(model_name="resultline", name="section"),
        migrations.RemoveField(model_name="resultline", name="label"),
        migrations.RemoveField(model_name="resultline", name="kind"),
        migrations.RemoveField(model_name="resultline", name="points"),
        migrations.RemoveField(model_name="resultline", name="max_points"),
        migrations.RemoveField(model_name="resultline", name="reason"),
        migrations.RemoveField(model_name="resultline", name="item_ref"),
    ]
