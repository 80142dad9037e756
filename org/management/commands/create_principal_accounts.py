"""Create an account for each school's 校长 row that has none, and print the initial passwords once."""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from org.management.commands.import_base_data import command_user
from org.models import Region
from org.services.accounts import principal_accounts_create

MSG_NO_REGION = "No region with code %(code)s."


class Command(BaseCommand):
    help = (
        "Create a principal's account for each school in the region whose active 校长 row has none; print "
        "user names and initial passwords once (they are not stored in clear). Each must be changed at first login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="6-digit code of the county (or the city: all its counties)")
        parser.add_argument("--user", help="act as this bureau user (its scope limits the schools); default: everything")

    def handle(self, *args, region, user, **options):
        actor = command_user(user)
        place = Region.objects.filter(code=region.strip()).first()
        if place is None:
            raise CommandError(MSG_NO_REGION % {"code": region})
        try:
            rows = principal_accounts_create(actor=actor, region=place)
        except Http404:  # outside the --user's region: the same answer as an unknown code
            raise CommandError(MSG_NO_REGION % {"code": region}) from None
        self.stdout.write("学校代码\t学校\t校长\t用户名\t初始密码")
        for row in rows:
            self.stdout.write("\t".join([row["school_code"], row["school"], row["name"], row["username"], row["password"]]))
        self.stdout.write(f"{len(rows)} accounts created; each must change the password at first login.")
