from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "duban.tracking"
    label = "tracking"
    verbose_name = "督办跟踪"

    def ready(self) -> None:
        from duban.notifications import kinds
        from duban.tracking.models import NotificationKind

        kinds.register_all(NotificationKind.choices)
