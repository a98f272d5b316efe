"""Tokens expire. Tokens made before this migration expire 90 days after it runs, not 90 days
after they were made: an old token would otherwise stop working the moment the upgrade lands,
breaking its scripts without warning, while leaving them without any expiry would keep exactly
the risk this field removes. 90 days is the default lifetime of a new token, and the tokens page
shows the date, so their owners have that long to replace them."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def ninety_days_from_now() -> dt.datetime:
    # Called once by AddField; every existing row gets the same value.
    return timezone.now() + dt.timedelta(days=90)


class Migration(migrations.Migration):

    dependencies = [
        ("tokens", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=ninety_days_from_now, verbose_name="到期时间"),
            preserve_default=False,
        ),
    ]
