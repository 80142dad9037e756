"""Write the eligibility roster (交流资格名册) of DESIGN.md for a term's as-of date."""

import time

from django.core.management.base import BaseCommand

from rotation import exports, selectors
from rotation.management.commands._args import parse_date, region_or_none


class Command(BaseCommand):
    help = "Write the eligibility roster (交流资格名册) at --as-of to --output (xlsx), optionally for one --region."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=parse_date)
        parser.add_argument("--output", required=True)
        parser.add_argument("--region", default=None, help="region code (a city or a county)")

    def handle(self, *args, as_of, output, region, **options):
        staff = selectors.all_active_staff(region_or_none(region))
        started = time.perf_counter()
        count = exports.write_eligibility(output, staff, as_of, full_ids=True)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{count} rows written to {output} in {elapsed:.1f} s")
