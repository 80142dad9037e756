from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "alliances"
    verbose_name = _("Alliances")

    def ready(self):
        from alliances import export_kinds, models, scopes, signals  # noqa: F401  (scopes registers the scopers)
        from alliances.importers import activities_importer, groups_importer, requirements_importer
        from org import pickers
        from org.excel import register_importer

        signals.connect()
        pickers.register(models.Group, "alliances:pick-group")
        register_importer(groups_importer)
        register_importer(requirements_importer)
        register_importer(activities_importer)
        from alliances import dashboard
        from org import hooks as dashboard_hooks
        dashboard_hooks.dashboard_section(30)(dashboard.section)
