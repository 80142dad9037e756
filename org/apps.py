from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from org import account_import, accounts, dashboard, export_kinds, importers, lookups, middleware  # noqa: F401  (workbook and export kinds, User scoper, `__any`, login hook)
        from org import hooks as dashboard_hooks

        dashboard_hooks.inbox_items(dashboard.inbox)
