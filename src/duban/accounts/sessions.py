"""Django's database sessions, the session of a request read with one plain SELECT.

Every request reads its session first; the ORM spends more building that one query than the
database takes to answer it. Writing, expiry and everything else are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        model, key = self.model, self.session_key
        if key is None:
            return None
        connection = connections[router.db_for_read(model)]
        qn = connection.ops.quote_name
        expire = model._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('session_data')} FROM {qn(model._meta.db_table)} "
                f"WHERE {qn('session_key')} = %s AND {qn('expire_date')} > %s",
                [key, expire],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key starts a new session
            return None
        return model(session_key=key, session_data=row[0])
