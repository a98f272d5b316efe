from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "duban.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from duban.assessment.notices import NotificationKind
        from duban.notifications import kinds

        kinds.register_all(NotificationKind.choices)
