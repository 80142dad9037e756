"""The export kinds of the evaluation app (org.exporting): a cycle's results and missing scores, school quality data."""

from django.utils.translation import gettext_lazy as _

from org.exporting import ExportPlan, ExportRefused, counter, register_export, request_for


def _cycle(user, args: dict):
    from evaluation.models import Cycle
    from org import scope

    return scope.get_visible_or_404(user, Cycle, pk=int(args.get("cycle", 0)))


def results_plan(user, query, args: dict) -> ExportPlan:
    """args {"cycle": pk} (404 unless visible): one row per visible subject; one COUNT."""
    from evaluation import exports, selectors

    cycle = _cycle(user, args)
    return ExportPlan(
        filename=f"evaluation-results-{cycle.pk}.xlsx",
        count=counter(selectors.subject_list(user=user, cycle=cycle)),
        write=lambda stream: exports.results_export(stream, user=user, cycle=cycle),
    )


def missing_plan(user, query, args: dict) -> ExportPlan:
    """args {"cycle": pk}: the missing-score list (computed per rater; counted as 0: it stays inline)."""
    from evaluation import exports

    cycle = _cycle(user, args)
    return ExportPlan(
        filename=f"evaluation-missing-{cycle.pk}.xlsx",
        count=lambda limit=None: 0,
        write=lambda stream: exports.missing_export(stream, user=user, cycle=cycle),
    )


def quality_plan(user, query, args: dict) -> ExportPlan:
    """The visible school quality rows; one COUNT."""
    from evaluation import exports, selectors

    return ExportPlan(
        filename="school-quality.xlsx",
        count=counter(selectors.quality_list(user=user)),
        write=lambda stream: exports.quality_export(stream, user=user),
    )


def result_list_plan(user, query, args: dict) -> ExportPlan:
    """The results list (/evaluation/results/) with its filters (evaluation.filters.ResultFilter; without ?cycle= the
    home page's cycle), in the results layout; one COUNT. Raises ExportRefused for bad or out-of-scope filters."""
    from evaluation import exports, selectors
    from evaluation.filters import ResultFilter, result_columns, result_query

    query = result_query(user, query)
    filterset = ResultFilter(query, queryset=result_columns(selectors.subject_list(user=user)),
                             request=request_for(user, query))
    if not filterset.is_valid():
        raise ExportRefused(filterset.errors)
    rows = filterset.qs
    cycle = filterset.form.cleaned_data.get("cycle")
    return ExportPlan(
        filename=f"evaluation-results-{cycle.pk if cycle else 'all'}.xlsx",
        count=counter(rows),
        write=lambda stream: exports.results_export(stream, user=user, cycle=cycle, queryset=rows),
    )


RESULTS = register_export("evaluation.results", _("Evaluation results"), results_plan)
MISSING = register_export("evaluation.missing", _("Missing scores"), missing_plan)
QUALITY = register_export("evaluation.quality", _("School quality data"), quality_plan)
RESULT_LIST = register_export("evaluation.result_list", _("Assessment results list"), result_list_plan,
                              page="evaluation:result-list")
