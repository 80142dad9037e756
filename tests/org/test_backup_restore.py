"""`manage.py backup` / `restore` (make backup / make restore FILE=...): a dump restored into a fresh
PostgreSQL database has the data, its history and the media files."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from org.models import Staff
from tests.factories import StaffFactory

ROOT = Path(__file__).resolve().parents[2]


def _require_postgresql():
    if connection.vendor != "postgresql":
        message = "backup and restore need PostgreSQL (set DATABASE_URL)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI runs on PostgreSQL: never skip there
        pytest.skip(message)


def _dsn(name: str) -> str:
    db = connection.settings_dict
    return (f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{name}")


@pytest.mark.django_db
def test_backup_refuses_sqlite(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("this checks the SQLite refusal")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("backup", output=str(tmp_path / "b.tar"))


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_data_history_and_media(tmp_path, settings):
    _require_postgresql()
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "roster.xlsx").write_bytes(b"PK\x03\x04 roster")
    staff = StaffFactory(name="备份老师")
    staff.name = "备份老师（改）"
    staff.save()
    history = Staff.history.filter(id=staff.pk).count()
    assert history == 2

    archive = tmp_path / "edu.tar"
    call_command("backup", output=str(archive), stdout=open(os.devnull, "w"))
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "database.dump", "media/imports/roster.xlsx"} <= set(tar.getnames())

    fresh = f"{connection.settings_dict['NAME']}_restore"[:63]
    admin = psycopg.connect(_dsn("postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        env = {**os.environ, "DATABASE_URL": _dsn(fresh), "MEDIA_ROOT": str(tmp_path / "restored-media"),
               "DJANGO_SETTINGS_MODULE": "config.settings"}
        result = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        with psycopg.connect(_dsn(fresh)) as restored:
            names = [row[0] for row in restored.execute("SELECT name FROM org_staff WHERE id = %s", [staff.pk])]
            versions = restored.execute(
                "SELECT name, history_type FROM org_historicalstaff WHERE id = %s ORDER BY history_id", [staff.pk]
            ).fetchall()
            migrations = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert names == ["备份老师（改）"]
        assert versions == [("备份老师", "+"), ("备份老师（改）", "~")]
        assert migrations > 0
        assert (tmp_path / "restored-media" / "imports" / "roster.xlsx").read_bytes() == b"PK\x03\x04 roster"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        (tmp_path / "x.txt").write_text("x")
        tar.add(tmp_path / "x.txt", arcname="x.txt")
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    result = subprocess.run([sys.executable, "manage.py", "restore", str(bogus)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "not a backup" in result.stderr
