from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotationConfig(AppConfig):
    name = "rotation"
    verbose_name = _("Rotation")

    def ready(self):
        from org import hooks, sheets
        from org.excel import register_importer
        from rotation import export_kinds, scopes  # noqa: F401  (registers the scopers and the export kinds)
        from rotation.importers import ExemptionSheetHandler, roster_importer
        from rotation.sections import staff_rotation_section

        hooks.staff_section(staff_rotation_section)
        sheets.register_sheet_handler(sheets.EXEMPTION_SHEET, ExemptionSheetHandler())
        register_importer(roster_importer)
        from org import hooks as dashboard_hooks
        from rotation import dashboard
        dashboard_hooks.dashboard_section(10)(dashboard.section)
        dashboard_hooks.inbox_items(dashboard.inbox)
