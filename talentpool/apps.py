from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentpoolConfig(AppConfig):
    name = "talentpool"
    verbose_name = _("Talent pool")

    def ready(self):
        from talentpool import importers, scopes  # noqa: F401  (register the scopers and the nominations importer)
        from org import hooks as dashboard_hooks
        from talentpool import dashboard
        dashboard_hooks.dashboard_section(20)(dashboard.section)
        dashboard_hooks.inbox_items(dashboard.inbox)
