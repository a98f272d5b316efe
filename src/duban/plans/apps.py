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

        # Each audited model's trail is read through the model's own access helper.
        from duban.audit.readers import AuditReader, register_audit_reader
        from duban.plans.access import access_draft, access_plan, access_task

        register_audit_reader(AuditReader("plans.plan", access_plan))
        register_audit_reader(AuditReader("plans.task", access_task))
        register_audit_reader(AuditReader("plans.importdraft", access_draft))
