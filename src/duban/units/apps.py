from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "duban.units"
    label = "units"
    verbose_name = "单位"
