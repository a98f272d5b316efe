from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "duban.units"
    label = "units"
    verbose_name = "单位"

    def ready(self) -> None:
        # A unit's trail (renames, aliases, members, merges) for whoever may see the unit.
        from duban.audit.readers import AuditReader, register_audit_reader
        from duban.units.access import access_unit

        register_audit_reader(AuditReader("units.unit", access_unit))
