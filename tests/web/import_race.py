"""Confirm, a second confirm and cancel of one import, sent at the same moment from threads with
connections of their own, as the API's routes run them (each reads the draft first, then calls
its action). Used in-process on PostgreSQL (tests/web/test_import_race.py) and, on SQLite, in a
child process over a database file (`python import_race.py OUT`): SQLite's in-memory test
database shares one cache between connections and cannot show a writer waiting for another."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

DOCUMENT = (
    "并发导入测试方案\n一、基层治理\n"
    "1、完善网格化管理，到2025年网格覆盖率达100%。（区委政法委牵头，区民政局配合）\n"
    "2、建立矛盾纠纷排查机制。（区司法局牵头，区信访局配合）\n"
).encode()
CALLS = ("confirm", "confirm", "cancel")


def race(username: str, rounds: int) -> list[dict[str, Any]]:
    """Each round: a new draft, then CALLS at once; what each call did and what was stored."""
    from duban.accounts.models import User
    from duban.plans.actions import do_upload_document
    from duban.plans.models import ImportDraft, Plan

    user = User.objects.get(username=username)
    out = []
    for i in range(rounds):
        draft_id = do_upload_document(f"race-{i}.txt", DOCUMENT, acting_user=user).pk
        results = _at_once(user, draft_id)
        draft = ImportDraft.objects.select_related("source").get(pk=draft_id)
        out.append(
            {
                "calls": dict(enumerate(results)),
                "status": draft.status,
                "result": draft.result_id,
                "plans": Plan.objects.filter(source=draft.source).count(),
                "file_kept": bool(draft.source.file)
                and draft.source.file.storage.exists(draft.source.file.name),
            }
        )
    return out


def _at_once(user: Any, draft_id: int) -> list[str]:
    """CALLS on one draft from threads released together: "ok" or the exception of each."""
    from django.db import connections

    from duban.plans.access import access_draft
    from duban.plans.actions import do_cancel_import, do_confirm_import

    barrier = threading.Barrier(len(CALLS))
    results = [""] * len(CALLS)

    def call(k: int) -> None:
        try:
            draft = access_draft(user, draft_id)  # read before the action, as a route does
            barrier.wait()
            if CALLS[k] == "confirm":
                do_confirm_import(draft, {}, acting_user=user)
            else:
                do_cancel_import(draft, acting_user=user)
            results[k] = "ok"
        except Exception as exc:  # collected and checked by the test
            results[k] = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(k,)) for k in range(len(CALLS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def main(out: str) -> int:
    """The SQLite side: a database file, a manager, the rounds; their outcomes as JSON in OUT."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.test_settings")
    import django

    django.setup()
    from django.core.management import call_command

    from duban.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    User.objects.create_user("race-manager", password=None, role="manager")
    rounds = race("race-manager", int(os.environ.get("RACE_ROUNDS", "6")))
    Path(out).write_text(json.dumps(rounds, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
