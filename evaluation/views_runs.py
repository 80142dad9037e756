"""Pages of the yearly assessment job (issue 13 item 4): start a run from the cycle's page, follow it on
its own page (which polls a JSON status and survives a reload: the run is a row), list a cycle's runs.
Runs are scoped (evaluation.scopes: bureau staff of the cycle's region and above); starting one is for
the cycle's administrators (services_job refuses everyone else)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from evaluation import permissions, services_job
from evaluation.models import AssessmentRun, Cycle
from evaluation.views import CycleActionView, ScopedView
from org import scope
from org.web import REFUSALS_ON_PAGE

MSG_RUN_STARTED = _("The assessment run has started; this page follows it.")


class RunStartView(CycleActionView):
    refused_by = REFUSALS_ON_PAGE

    def perform(self, cycle, data):
        return services_job.assessment_run_start(actor=self.request.user, cycle=cycle)

    def done(self, cycle, run):
        messages.success(self.request, MSG_RUN_STARTED)
        return redirect(run)


class CycleRunListView(ScopedView):
    """The runs of one visible cycle (bureau staff; others see an empty list), newest first."""

    model = Cycle

    def get(self, request, pk):
        cycle = self.get_object(pk)
        runs = scope.visible_to(request.user, AssessmentRun).filter(cycle=cycle).select_related("started_by")[:200]
        return render(request, "evaluation/run_list.html", {
            "cycle": cycle, "runs": runs, "can_start": permissions.may_administer(request.user, cycle)
            and cycle.status == Cycle.Status.CLOSED})


class RunDetailView(ScopedView):
    model = AssessmentRun

    def narrow(self, queryset):
        return queryset.select_related("cycle", "started_by")

    def get(self, request, pk):
        run = self.get_object(pk)
        return render(request, "evaluation/run_detail.html", {"run": run})


class RunStatusView(ScopedView):
    model = AssessmentRun

    def get(self, request, pk):
        return JsonResponse(run_status(self.get_object(pk)))


def run_status(run: AssessmentRun) -> dict:
    """What the run's page polls: status, stage, progress, the error (Chinese) and the summary."""
    return {"id": run.pk, "status": run.status, "status_display": str(run.get_status_display()), "stage": run.stage,
            "stage_display": str(run.get_stage_display()), "done": run.done, "total": run.total,
            "percent": run.percent, "running": run.is_running, "error": run.error, "summary": run.summary}
