from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "duban.tracking"
    label = "tracking"
    verbose_name = "督办跟踪"
