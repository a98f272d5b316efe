"""Rank and grade by one measure (Scheme.rank_by): the score on a 100-point scale by default.

Until now units were ranked by raw total points while graded by their share of their maximum, so
a unit answering for more items outranked better-graded ones. Stored results are ranked again by
the new default measure, so every stored ranking agrees with its grades (totals and grades are
left as they are: the grades were already by share of the maximum).
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import migrations, models


def _score(total: Decimal, top: Decimal) -> Decimal:
    if top <= 0:
        return Decimal(0)
    return (total * 100 / top).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rerank_by_rate(apps: Any, schema_editor: Any) -> None:
    Result = apps.get_model("assessment", "Result")
    assessments = Result.objects.values_list("assessment_id", flat=True).distinct()
    for assessment_id in list(assessments):
        rows = list(
            Result.objects.filter(assessment_id=assessment_id).values_list(
                "pk", "unit__name", "total", "max_points", "vetoed", "rank"
            )
        )
        keyed = sorted(
            ((bool(vetoed), -_score(total, top), name, pk, rank) for pk, name, total, top, vetoed, rank in rows)
        )
        place, last = 0, None
        for i, (vetoed, neg, _name, pk, rank) in enumerate(keyed):
            if (vetoed, neg) != last:
                place, last = i + 1, (vetoed, neg)
            if place != rank:
                Result.objects.filter(pk=pk).update(rank=place)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_free_text_max_lengths"),
    ]

    operations = [
        migrations.AddField(
            model_name="scheme",
            name="rank_by",
            field=models.CharField(
                choices=[("rate", "百分制折算（得分 ÷ 满分 × 100）"), ("points", "原始总分")],
                default="rate",
                max_length=8,
                verbose_name="排名与等次依据",
            ),
        ),
        migrations.RunPython(rerank_by_rate, migrations.RunPython.noop),
    ]
