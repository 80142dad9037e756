"""Export the base-data workbook for the user's scope (everything without --user)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from org.exports import base_data_export
from org.management.commands.import_base_data import command_user


class Command(BaseCommand):
    help = "Export the base-data workbook (区县, 学校, 教职工, 任职经历, 暂不交流) for the user's scope."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)
        parser.add_argument("--user", help="export this bureau user's scope; default: everything")

    def handle(self, *args, output, user, **options):
        base_data_export(output, user=command_user(user))
        self.stdout.write(_("Written: %(path)s") % {"path": output})
