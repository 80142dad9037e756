"""`python manage.py run_assessment CYCLE`: the yearly assessment job of one closed cycle from the shell
(issue 13 item 4): the same run as the Celery task and the start button (evaluation.services_job),
recorded as an AssessmentRun started by nobody, printing its progress. Idempotent: a second run changes
nothing. Refused on a published cycle, on one that is not closed and while another run of it is under
way; one transaction, so a failure leaves the cycle as it was."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from evaluation.models import AssessmentRun, Cycle
from evaluation.services_job import assessment_run_execute, assessment_run_start

SHOWN = 10  # refusal lines printed


class Command(BaseCommand):
    help = "Score a closed cycle and apply the bound rules (idempotent), printing progress."

    def add_arguments(self, parser):
        parser.add_argument("cycle", type=int, help="the cycle's id")

    def handle(self, *args, cycle, **options):
        found = Cycle.objects.filter(pk=cycle).first()
        if found is None:
            raise CommandError(_("No cycle with id %(id)s.") % {"id": cycle})
        try:
            run = assessment_run_start(actor=None, cycle=found, queue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        stages = dict(AssessmentRun.Stage.choices)
        last = {"stage": None}

        def progress(stage, done, total):
            if stage != last["stage"] or done == total or done % 50000 < 5000:
                self.stdout.write(f"{stages.get(stage, stage)}: {done} / {total}")
            last["stage"] = stage

        run = assessment_run_execute(run_id=run.pk, progress=progress)
        if run.status != AssessmentRun.Status.DONE:
            raise CommandError(run.error)
        summary = run.summary
        self.stdout.write(_("%(cycle)s: %(written)s subjects rescored; %(changed)s ratings changed by the bound rules, "
                            "%(kept)s kept, %(undone)s undone.")
                          % {"cycle": found.name, "written": summary["scores_written"], "changed": summary["bound_changed"],
                             "kept": summary["bound_kept"], "undone": summary["bound_undone"]})
        for line in summary["refusals"][:SHOWN]:
            self.stdout.write(line)
        if len(summary["refusals"]) > SHOWN:
            self.stdout.write(_("… and %(count)s more refusals (on the run's page).") % {"count": len(summary["refusals"]) - SHOWN})
