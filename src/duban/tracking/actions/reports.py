"""A unit's report as its form sends it: one press of 保存草稿 or 报送 is one action,
do_save_report, whichever pages or API call it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from duban.accounts.actors import Actor
from duban.evidence import files_kept_only_on_commit
from duban.plans.models import Task
from duban.tracking.actions.drafts import do_add_contribution, do_edit_draft, do_save_draft
from duban.tracking.actions.evidence import do_add_evidence
from duban.tracking.actions.report_data import EvidenceInput, ReportData, submit_problem
from duban.tracking.actions.submissions import do_submit_new_report, do_submit_report
from duban.tracking.models import ProgressReport, ReportingPeriod, ReportKind
from duban.tracking.transitions import ConflictError, TrackingError


@dataclass(frozen=True)
class SavedReport:
    """What one press did: the report as it now stands, and whether it was submitted."""

    report: ProgressReport
    submitted: bool
    refusal: str = ""  # why a submission asked for was refused; the draft is saved all the same


def do_save_report(
    task: Task,
    period: ReportingPeriod,
    data: ReportData,
    *,
    kind: str = ReportKind.REPORT,
    draft: ProgressReport | None = None,
    lock_version: int | None = None,
    changed: bool = True,
    files: Sequence[EvidenceInput] = (),
    submit: bool = False,
    acting_user: Actor,
) -> SavedReport:
    """Save the unit's draft report (or contribution, `kind`) with `data`, creating it if need
    be, attach the new evidence `files`, and submit it if asked.

    `draft` is the draft the form edits (None: the unit has not begun its report), with its
    `lock_version` as the form showed it; `changed` False says the form came back as the draft
    stands, so only its files are added (no new version of the content, no audit row for it).

    The save and the files are one transaction: a rejected file (EvidenceRejected) or a draft
    changed by someone else meanwhile (ConflictError) leaves everything as it was, and no file on
    disk. A submission the rules refuse (no narrative, say) keeps the saved draft and says why in
    `refusal`. A new report sent complete, the path every unit takes at every period's end, takes
    do_submit_new_report's fast path: the same checks and audit trail in a third of the statements.
    """
    with files_kept_only_on_commit():
        if draft is None and submit and not submit_problem(kind, task, data):
            report = do_submit_new_report(task, period, data, kind=kind, files=files, acting_user=acting_user)
            return SavedReport(report, submitted=True)
        with transaction.atomic():
            if draft is None:
                save = do_save_draft if kind == ReportKind.REPORT else do_add_contribution
                report = save(task, period, data, lock_version=None, acting_user=acting_user)
            elif changed:
                report = do_edit_draft(draft, data, lock_version=lock_version, acting_user=acting_user)
            else:
                report = draft
            for f in files:
                do_add_evidence(report, f.name, f.data, acting_user=acting_user)
            if not submit:
                return SavedReport(report, submitted=False)
            # The form's lock_version holds for a draft this press did not write.
            return _submit(report, lock_version if report is draft else report.lock_version, acting_user)


def _submit(report: ProgressReport, lock_version: int | None, acting_user: Actor) -> SavedReport:
    try:
        # Its own savepoint (do_submit_report is atomic): a refusal rolls back the submission only.
        submitted = do_submit_report(report, lock_version=lock_version, acting_user=acting_user)
    except ConflictError:
        raise
    except TrackingError as exc:
        return SavedReport(report, submitted=False, refusal=str(exc))
    return SavedReport(submitted, submitted=True)
