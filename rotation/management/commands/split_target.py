"""Split a city target across counties in proportion to MUST_ROTATE + ELIGIBLE (largest remainder)."""

from django.core.management.base import BaseCommand, CommandError

from rotation import selectors
from rotation.management.commands._args import parse_date, region_or_none


class Command(BaseCommand):
    help = "Print one line per county: code, name, base (MUST_ROTATE + ELIGIBLE), share; the shares add up to --target."

    def add_arguments(self, parser):
        parser.add_argument("--target", required=True, type=int)
        parser.add_argument("--as-of", required=True, type=parse_date)
        parser.add_argument("--region", default=None, help="region code (a city; default: every county)")

    def handle(self, *args, target, as_of, region, **options):
        if target < 0:
            raise CommandError("--target must not be negative")
        area = region_or_none(region)
        shares = selectors.split_rows(
            counties=selectors.counties_under(region=area), staff=selectors.all_active_staff(area), on=as_of, target=target
        )
        for share in shares:
            self.stdout.write(f"{share.code}\t{share.name}\t{share.base}\t{share.share}")
