"""`python manage.py run_assessment CYCLE`: the yearly assessment of one closed cycle from the shell
(issue 13 item 4, first slice): score and rate every subject (services.cycle_compute), then apply the
bound rules (services_bound.bound_rules_apply). Idempotent: a second run changes nothing. Refused on a
published cycle and on one that is not closed; one transaction, so a failure leaves the cycle as it was."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Cycle
from evaluation.services import cycle_compute
from evaluation.services_bound import bound_rules_apply


class Command(BaseCommand):
    help = "Score a closed cycle and apply the bound rules (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("cycle", type=int, help="the cycle's id")

    def handle(self, *args, cycle, **options):
        found = Cycle.objects.filter(pk=cycle).first()
        if found is None:
            raise CommandError(_("No cycle with id %(id)s.") % {"id": cycle})
        try:
            with transaction.atomic():
                if found.status == Cycle.Status.CLOSED:
                    cycle_compute(cycle=found)
                run = bound_rules_apply(actor=None, cycle=found)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(_("%(cycle)s: %(changed)s ratings changed by the bound rules, %(kept)s kept, %(undone)s undone.")
                          % {"cycle": found.name, "changed": run.changed, "kept": run.kept, "undone": run.undone})
        for line in run.refusals:
            self.stdout.write(line)
