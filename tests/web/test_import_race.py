"""Confirm and cancel of one import at the same moment (issue 15, found by a fuzzer: both
succeeded, the draft ended cancelled with a plan as its result, and the plan's source file was
deleted; two confirms gave a 500 "database is locked" on SQLite). Exactly one call wins, the others
are refused in Chinese, and what is stored agrees with the winner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from duban.accounts.models import User

from .import_race import CALLS, race

HERE = Path(__file__).resolve().parent
REFUSED = "ImportRejected: 该导入已确认或取消"


def check(rounds: list[dict[str, Any]]) -> None:
    assert rounds
    for outcome in rounds:
        calls = [outcome["calls"][k] for k in sorted(outcome["calls"], key=int)]
        winners = [CALLS[k] for k, r in enumerate(calls) if r == "ok"]
        assert len(winners) == 1, outcome
        assert all(r in ("ok", REFUSED) for r in calls), outcome
        if winners == ["confirm"]:
            assert (outcome["status"], outcome["plans"], outcome["file_kept"]) == ("confirmed", 1, True), (
                outcome
            )
            assert outcome["result"] is not None, outcome
        else:
            assert (outcome["status"], outcome["plans"], outcome["result"]) == ("cancelled", 0, None), outcome
            assert outcome["file_kept"] is False, outcome


@pytest.mark.django_db(transaction=True)
def test_one_of_confirm_confirm_and_cancel_wins_on_the_suites_database(
    users: dict[str, User], tmp_path: Path
) -> None:
    if connection.vendor == "postgresql":
        check(race(users["manager"].username, rounds=8))
        return
    # SQLite: the same race in a child over a database file, in the transaction mode the
    # settings choose (BEGIN IMMEDIATE).
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'race.sqlite3'}",
        "DUBAN_DATA_DIR": str(tmp_path),
    }
    out = tmp_path / "rounds.json"
    done = subprocess.run(
        [sys.executable, str(HERE / "import_race.py"), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    check(json.loads(out.read_text("utf-8")))
