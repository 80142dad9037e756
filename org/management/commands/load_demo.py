"""Load the demo city (seed 000's Xianning) and one user per role. Running it twice changes nothing.

Development data: with DEBUG=0 (production) it refuses unless --force is given, and even then the
superuser gets a random password printed once, never the demo password.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from org import demo, services
from org.models import Region, School, Staff, UserRole, WorkHistory

BUREAU_GROUP = "Bureau staff"
LOCAL_APPS = ["org", "talentpool", "rotation", "alliances", "evaluation"]


class Command(BaseCommand):
    help = "Load the demo city, its schools, a few thousand staff and one user per role (DEBUG=1 or --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="load the demo data although DEBUG=0 (the superuser then gets a random password)")

    @transaction.atomic
    def handle(self, *args, **options):
        production = not settings.DEBUG
        if production and not options["force"]:
            raise CommandError(
                "load_demo loads demo accounts with a published password: it runs with DEBUG=1 only "
                "(use --force to load the demo data on a production settings file anyway)."
            )
        self._superuser_password = secrets.token_urlsafe(18) if production else demo.PASSWORD
        regions = self._regions()
        school_rows = demo.schools()
        schools = self._schools(school_rows, regions)
        created_staff = self._staff(demo.staff(school_rows), schools)
        self._users(regions, schools)
        # Apps add their own demo data as load_demo_<app> commands (org imports none of them).
        for name in sorted(command for command in get_commands() if command.startswith("load_demo_")):
            call_command(name, stdout=self.stdout)
        services.staff_figures_compute()  # what the periodic job stores for the home page, fresh
        self.stdout.write(
            f"demo: {len(regions)} regions, {len(schools)} schools, {Staff.objects.count()} staff "
            f"({created_staff} new)"
        )
        self.stdout.write(f"demo logins (password {demo.PASSWORD}):")
        for username, full_name, role, target, _staff in demo.USERS:
            self.stdout.write(f"  {username:<11} {role or 'superuser':<13} {target or '':<11} {full_name}")
        if production and getattr(self, "_new_superuser", False):
            self.stdout.write(f"DEBUG=0: the superuser's password is not the demo one: {self._superuser_password} "
                              "(shown once; change it)")

    def _regions(self) -> dict[str, Region]:
        city, _ = Region.objects.get_or_create(code=demo.CITY[0], defaults={"name": demo.CITY[1], "level": "city"})
        regions = {city.code: city}
        for code, name in demo.COUNTIES:
            regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": "county", "parent": city})
        return regions

    def _schools(self, rows, regions) -> dict[str, School]:
        existing = set(School.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True))
        new = [
            School(code=r.code, name=r.name, region=regions[r.region_code], stage=r.stage, location=r.location,
                   is_weak=r.is_weak, enrolment=r.enrolment, class_count=r.class_count)
            for r in rows if r.code not in existing
        ]
        bulk_create_with_history(new, School, batch_size=500)
        return {s.code: s for s in School.objects.filter(code__in=[r.code for r in rows])}

    def _staff(self, rows, schools) -> int:
        existing = set(Staff.objects.filter(id_number__in=[r.id_number for r in rows]).values_list("id_number", flat=True))
        rows = [r for r in rows if r.id_number not in existing]
        staff = [
            Staff(name=r.name, id_number=r.id_number, gender=r.gender, birth_date=r.birth_date, school=schools[r.school_code],
                  post=r.post, is_head_teacher=r.is_head_teacher, subject=r.subject, title=r.title,
                  honour_level=r.honour_level, work_start=r.work_start, school_start=r.school_start, post_start=r.post_start)
            for r in rows
        ]
        bulk_create_with_history(staff, Staff, batch_size=1000)
        ids = dict(Staff.objects.filter(id_number__in=[r.id_number for r in rows]).values_list("id_number", "id"))
        entries = [
            WorkHistory(staff_id=ids[r.id_number], school=schools[code], post=post, start=start, end=end)
            for r in rows for code, post, start, end in r.history
        ]
        bulk_create_with_history(entries, WorkHistory, batch_size=1000)
        return len(staff)

    def _users(self, regions, schools) -> None:
        self._new_superuser = False
        group, _ = Group.objects.get_or_create(name=BUREAU_GROUP)
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=LOCAL_APPS))
        User = get_user_model()
        for username, full_name, role, target, is_staff in demo.USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name, "is_staff": is_staff, "is_superuser": role is None},
            )
            if created:
                user.set_password(demo.PASSWORD if role is not None else self._superuser_password)
                user.save(update_fields=["password"])
                self._new_superuser = self._new_superuser or role is None
            if role is None:
                continue
            if role in {"city_staff", "county_staff"}:
                user.groups.add(group)
            UserRole.objects.get_or_create(
                user=user, role=role,
                defaults={"region": regions.get(target), "school": schools.get(target)},
            )
