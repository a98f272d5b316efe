"""The JSON serializer `duban backup` dumps with (settings.SERIALIZATION_MODULES["json"]): Django's
own, except that times keep their microseconds. Django's encoder cuts them to milliseconds, so a
restored database would differ from the one backed up (and the order of events written within
the same millisecond would be lost)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time) and o.microsecond:
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def serialize(self, queryset: Any, **options: Any) -> Any:
        options.setdefault("cls", ExactEncoder)  # json.dump's encoder (Django's is the default)
        return super().serialize(queryset, **options)


Deserializer = django_json.Deserializer
