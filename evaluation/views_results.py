"""The assessment-results list (/evaluation/results/): a cycle's subjects with their ratings, filtered as each figure
of the home page's evaluation section (issue 14, item 7), paginated, scoped, with its Excel export."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View
from django_filters.views import FilterView

from evaluation.filters import ResultFilter, result_columns, result_query
from evaluation.models import Subject
from org import scope
from org.exporting import export_response


class ResultListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    """Without ?cycle= the cycle the home page shows; an out-of-scope cycle, region or school is refused by the form."""

    model = Subject
    filterset_class = ResultFilter
    paginate_by = 50
    template_name = "evaluation/result_list.html"

    def narrow(self, queryset):
        return result_columns(queryset)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = result_query(self.request.user, self.request.GET)
        return kwargs


class ResultExportView(LoginRequiredMixin, View):
    """The list as filtered, as Excel (evaluation.export_kinds): a job above EXPORT_INLINE_MAX_ROWS; refused filters
    answer the list page with its errors (400)."""

    def get(self, request):
        return export_response(request, "evaluation.result_list")
