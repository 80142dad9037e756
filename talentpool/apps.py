from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentpoolConfig(AppConfig):
    name = "talentpool"
    verbose_name = _("Talent pool")

    def ready(self):
        from talentpool import export_kinds, importers, scopes  # noqa: F401  (register the scopers and the nominations importer)
