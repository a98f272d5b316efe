from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "duban.tracking"
    label = "tracking"
    verbose_name = "督办跟踪"

    def ready(self) -> None:
        from duban.notifications import kinds
        from duban.tracking.models import NotificationKind

        kinds.register_all(NotificationKind.choices)

        # Each audited model's trail through its own access helper, less another unit's drafting.
        from duban.audit.readers import AuditReader, register_audit_reader
        from duban.tracking.access import (
            access_order,
            access_period,
            access_report,
            hidden_period_events,
            hidden_report_events,
        )

        register_audit_reader(AuditReader("tracking.progressreport", access_report, hidden_report_events))
        register_audit_reader(AuditReader("tracking.supervisionorder", access_order))
        register_audit_reader(AuditReader("tracking.reportingperiod", access_period, hidden_period_events))
