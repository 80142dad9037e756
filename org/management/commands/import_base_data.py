"""Import the base-data workbook: every problem printed and nothing written, or a per-sheet summary."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from org import scope
from org.excel import get_importer
from org.importers import BaseDataImporter

MSG_NO_USER = "No user named %(name)s."


def summary_lines(result) -> list[str]:
    lines = []
    for sheet in result.sheets:
        lines.append(_("%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "sheet": sheet.name, "created": sheet.created, "updated": sheet.updated, "unchanged": sheet.unchanged})
        if sheet.note:
            lines.append(f"  {sheet.note}")
    return lines


def problem_lines(result) -> list[str]:
    lines = []
    for problem in result.problems.as_list():
        where = _("sheet %(sheet)s, row %(row)s, column %(column)s") % {
            "sheet": problem["sheet"] or "-", "row": problem["row"] or "-", "column": problem["column"] or "-"}
        lines.append(f"{where}: {problem['message']}")
    return lines


def command_user(username: str | None):
    """The --user account (must be bureau staff), or None: the command line acts for the whole system."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(MSG_NO_USER % {"name": username})
    if not scope.is_bureau_staff(user):
        raise CommandError(_("Only city or county bureau staff may import or export base data."))
    return user


class Command(BaseCommand):
    help = "Import the base-data workbook (区县, 学校, 教职工, 任职经历, 暂不交流); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--user", help="act as this bureau user (scope and history); default: everything")

    def handle(self, *args, file, dry_run, user, **options):
        actor = command_user(user)
        importer: BaseDataImporter = get_importer("base_data")
        result = importer.run(file, user=actor, commit=not dry_run, reason="import_base_data")
        if not result.ok:
            for line in problem_lines(result):
                self.stderr.write(line)
            raise CommandError(_("%(count)s problems; nothing was written.") % {"count": len(result.problems)})
        for line in summary_lines(result):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
