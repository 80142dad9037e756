from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentpoolConfig(AppConfig):
    name = "talentpool"
    verbose_name = _("Talent pool")

    def ready(self):
        from org import hooks as dashboard_hooks
        from talentpool import dashboard, export_kinds, importers, scopes  # noqa: F401  (register the scopers and the nominations importer)

        dashboard_hooks.dashboard_section(20)(dashboard.section)
        dashboard_hooks.inbox_items(dashboard.inbox)
