from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Bound evaluation")

    def ready(self):
        from evaluation import dashboard, importers, scopes  # noqa: F401  (register the scopers and the workbooks)
        from org import hooks as dashboard_hooks
        dashboard_hooks.dashboard_section(40)(dashboard.section)
        dashboard_hooks.inbox_items(dashboard.inbox)
