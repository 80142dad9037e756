"""`manage.py backup [--output FILE]`: the PostgreSQL database (pg_dump custom format) and the media
files (uploads, attachments) in one tar file; `make backup` writes backups/edu-<time>.tar.

The tar holds `database.dump` (pg_restore reads it), `media/` and `manifest.json` (when, which
database, how many media files). Restore with `manage.py restore FILE` (`make restore FILE=...`).
"""

import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def libpq_env() -> dict[str, str]:
    """The environment pg_dump/pg_restore need to reach the configured database (PG* variables)."""
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        raise CommandError("backup and restore need PostgreSQL (DATABASE_URL=postgres://...); this is SQLite.")
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or "", "PGHOST": db["HOST"] or "",
           "PGPORT": str(db["PORT"] or "")}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return {key: value for key, value in env.items() if value != ""}


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media files into one tar file."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="tar file to write (default: backups/edu-<time>.tar)")

    def handle(self, *args, **options):
        env = libpq_env()
        output = Path(options["output"] or Path("backups") / f"edu-{timezone.now():%Y%m%d-%H%M%S}.tar")
        output.parent.mkdir(parents=True, exist_ok=True)
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "database.dump"
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            files = [path for path in media.rglob("*") if path.is_file()] if media.is_dir() else []
            manifest = Path(work) / "manifest.json"
            manifest.write_text(json.dumps({"created_at": timezone.now().isoformat(), "database": env["PGDATABASE"],
                                            "media_files": len(files)}, ensure_ascii=False))
            partial = output.with_suffix(output.suffix + ".partial")
            with tarfile.open(partial, "w") as tar:
                tar.add(manifest, arcname="manifest.json")
                tar.add(dump, arcname="database.dump")
                for path in files:
                    tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
            partial.replace(output)  # a finished backup only
        self.stdout.write(f"backup written: {output} ({output.stat().st_size} bytes, {len(files)} media files)")
