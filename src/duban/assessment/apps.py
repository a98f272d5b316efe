from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "duban.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from duban.assessment.notices import NotificationKind
        from duban.notifications import kinds

        kinds.register_all(NotificationKind.choices)

        # Each audited model's trail through its own access helper. An assessment's trail holds
        # every unit's grades and incidents as they were entered: the office's (is_office), as
        # every unit's breakdown is.
        from duban.assessment.access import (
            access_appeal,
            access_office_assessment,
            access_result,
            access_scheme,
        )
        from duban.audit.readers import AuditReader, register_audit_reader

        register_audit_reader(AuditReader("assessment.scheme", access_scheme))
        register_audit_reader(AuditReader("assessment.assessment", access_office_assessment))
        register_audit_reader(AuditReader("assessment.result", access_result))
        register_audit_reader(AuditReader("assessment.appeal", access_appeal))
