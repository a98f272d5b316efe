"""Evidence files of a draft, checked and stored by duban.evidence (only drafts change: a
submitted report's files stay as they were)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from duban.accounts.actors import Actor
from duban.accounts.models import User
from duban.audit.record import record
from duban.clock import now
from duban.evidence import check_evidence, file_name, files_kept_only_on_commit, store_file
from duban.tracking.actions.report_data import (
    lock_report,
)
from duban.tracking.models import (
    Evidence,
    ProgressReport,
)
from duban.tracking.transitions import (
    ReportAction,
    actors_of_report,
    check_report,
    person,
)


def store_evidence(
    report: ProgressReport, name: str, data: bytes, content_type: str, uploaded_by: User
) -> Evidence:
    evidence = Evidence(
        report=report,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        uploaded_at=now(),
        uploaded_by=uploaded_by,
    )
    store_file(evidence.file, name, data)
    evidence.save()
    return evidence


def evidence_facts(evidence: Evidence) -> dict[str, Any]:
    return {"evidence": evidence.pk, "name": evidence.name, "sha256": evidence.sha256, "size": evidence.size}


def do_add_evidence(report: ProgressReport, name: str, data: bytes, *, acting_user: Actor) -> Evidence:
    """Attach a file to a draft (only drafts change; a submitted report's files stay as they were)."""
    name = file_name(name)
    # Checked before the report is locked: looking into a file takes a child process (and up to
    # seconds for a crafted one), which no one else's save should wait for.
    content_type = check_evidence(name, data)
    with files_kept_only_on_commit(), transaction.atomic():
        report = lock_report(report)
        check_report(report.status, ReportAction.SAVE, actors_of_report(acting_user, report))
        evidence = store_evidence(report, name, data, content_type, person(acting_user))
        record(
            acting_user,
            "add_evidence",
            report,
            summary=f"上传佐证材料 {name}",
            after=evidence_facts(evidence),
        )
        return evidence


@transaction.atomic
def do_remove_evidence(evidence: Evidence, *, acting_user: Actor) -> None:
    report = lock_report(evidence.report)
    check_report(report.status, ReportAction.SAVE, actors_of_report(acting_user, report))
    stored, name = evidence.file.name, evidence.name
    evidence.delete()
    record(acting_user, "remove_evidence", report, summary=f"删除佐证材料 {name}", before={"name": name})
    if not Evidence.objects.filter(file=stored).exists():  # a correction's copy still needs it
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(stored))
