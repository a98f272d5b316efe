# The notification models moved to the notifications app (its 0001_initial): here tracking lets go
# of them. Their tables keep their names and rows; only Django's picture of the models changes,
# and with it what names the models elsewhere (content types, hence permissions; the audit trail).

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MOVED = ("notification", "unitchannel", "delivery")


def _relabel(apps: Apps, schema_editor: BaseDatabaseSchemaEditor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    for model in MOVED:
        # Permissions hang on the content type: moving it moves them. A database that already has
        # the new one (created by a migrate run in between) keeps it, and the old one goes stale.
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)
        # The audit trail finds an object's history by its model's label (audit.record.events_for).
        AuditEvent.objects.using(db).filter(object_type=f"{source}.{model}").update(object_type=f"{target}.{model}")


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, schema_editor, "tracking", "notifications")


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, schema_editor, "notifications", "tracking")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('notifications', '0001_initial'),
        ('tracking', '0003_notification_kinds_assessment'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='unitchannel',
                    name='unit',
                ),
                migrations.DeleteModel(
                    name='Delivery',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='UnitChannel',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
