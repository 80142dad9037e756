from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Bound evaluation")

    def ready(self):
        from evaluation import dashboard, export_kinds, importers, scopes  # noqa: F401  (register the scopers and the workbooks)
        from evaluation.selectors_incentives import published_stint_ratings
        from rotation.hooks import stint_ratings_provider

        stint_ratings_provider(published_stint_ratings)  # issue 13 item 6: stint ratings from published cycles
        from org import hooks as dashboard_hooks

        dashboard_hooks.dashboard_section(40)(dashboard.section)
        dashboard_hooks.inbox_items(dashboard.inbox)
