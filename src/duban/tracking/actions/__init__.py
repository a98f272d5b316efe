"""Every tracking write: do_<verb>_<noun>(…, *, acting_user), atomic, audited in the same
transaction, notifications created when it commits. One module per noun:

periods       reporting periods (a year's at once, or one with its own dates)
report_data   what a report holds (ReportData, IndicatorInput, EvidenceInput) and must hold
drafts        a unit's draft report or contribution, created or edited
evidence      evidence files of a draft
submissions   a draft submitted; a new report saved and submitted at once (the busy path)
reports       the report form's one intent, do_save_report: draft, files and submission together
reviews       a submitted report returned or accepted
closeouts     a task closed (销号) by an accepted completion, reopened by its correction
corrections   a new version of a submitted report
orders        supervision orders (督办单): issued, replied, closed, escalated
bulk_uploads  a period's reports from an Excel sheet, all or nothing

Each status change is checked against the tables in duban.tracking.transitions before anything
is written, so a refused action changes nothing. acting_user is an accounts.actors.Actor: a user,
or SYSTEM for the reminder process (which may only escalate orders). A refusal is a TrackingError
(duban.tracking.transitions), but for an evidence file of a kind not accepted: that is
duban.evidence.EvidenceRejected, the same for every app that takes evidence.
"""
