"""`manage.py restore FILE`: put a backup made by `manage.py backup` into the configured database
and MEDIA_ROOT (`make restore FILE=...`).

The database should be a fresh, empty one (createdb); objects already there are dropped and
replaced (pg_restore --clean --if-exists), all in one transaction, so a failed restore leaves it
as it was. Media files from the backup are written over MEDIA_ROOT (files not in it are kept).
Run `manage.py migrate` afterwards when restoring into a newer release.
"""

import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from org.management.commands.backup import libpq_env


class Command(BaseCommand):
    help = "Restore a backup (database and media files) made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the tar file written by `manage.py backup`")

    def handle(self, *args, **options):
        env = libpq_env()
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"no such backup file: {source}")
        connections.close_all()
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r") as tar:
            names = set(tar.getnames())
            if "database.dump" not in names:
                raise CommandError(f"{source} is not a backup made by `manage.py backup` (no database.dump)")
            tar.extractall(work, filter="data")  # refuses absolute paths, .. and links out of `work`
            result = subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                 "--exit-on-error", "--dbname", env["PGDATABASE"], str(Path(work) / "database.dump")],
                env=env, capture_output=True, text=True,
            )
            if result.returncode:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
            restored = 0
            extracted = Path(work) / "media"
            if extracted.is_dir():
                for path in extracted.rglob("*"):
                    if path.is_file():
                        target = media / path.relative_to(extracted)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        path.replace(target)
                        restored += 1
        self.stdout.write(f"restored {source} into database {env['PGDATABASE']} and {restored} media files")
