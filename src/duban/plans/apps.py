from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "duban.plans"
    label = "plans"
    verbose_name = "分解方案"

    def ready(self) -> None:
        # A unit merge must not leave a task with the same unit twice in the same role. The
        # directory sits below plans and cannot know that, so plans tells it (duban.units.merge).
        from duban.plans.merge import RESPONSIBILITIES
        from duban.units.merge import register_merge_rule

        register_merge_rule(RESPONSIBILITIES)
