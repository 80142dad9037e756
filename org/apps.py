from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from org import account_import, accounts, importers, lookups, middleware  # noqa: F401  (workbook kinds, User scoper, `__any`, login hook)
