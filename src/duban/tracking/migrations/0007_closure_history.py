"""A task's closures (销号) are kept when it is reopened (reopened_at) instead of deleted: a
period's figures ask whether a task was closed when the period began, and a later reopening must
not change them. At most one closure of a task is in force (closure_one_in_force)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0001_initial'),
        ('tracking', '0006_free_text_max_lengths'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='taskclosure',
            options={'ordering': ['closed_at', 'id']},
        ),
        migrations.AddField(
            model_name='taskclosure',
            name='reopened_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤销销号时间'),
        ),
        migrations.AddField(
            model_name='taskclosure',
            name='reopened_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='taskclosure',
            name='task',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closures', to='plans.task'),
        ),
        migrations.AddIndex(
            model_name='taskclosure',
            index=models.Index(fields=['task', 'closed_at'], name='tracking_ta_task_id_70a1f5_idx'),
        ),
        migrations.AddConstraint(
            model_name='taskclosure',
            constraint=models.UniqueConstraint(condition=models.Q(('reopened_at__isnull', True)), fields=('task',), name='closure_one_in_force'),
        ),
    ]
