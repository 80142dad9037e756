"""The base-data import's temporary files (the spooled plan, the stray-cell copy calamine reads, spilled shared
strings) are gone once it returns: on success, on a dry run, on a refusal and when it fails (issue 16, 6)."""

import tempfile
from datetime import date

import openpyxl
import pytest

from org import importers
from org.excel import reader as reader_module
from org.importers import base_data_importer
from org.services import basedata
from tests.factories import make_id_number
from tests.org.conftest import HEADERS, staff_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """Every temporary file of the import goes here; small batches so the plan spools to disk."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    monkeypatch.setattr(importers, "BATCH_ROWS", 2)
    monkeypatch.setattr(basedata, "IMPORT_BATCH", 2)
    monkeypatch.setattr(reader_module, "SHARED_STRINGS_IN_MEMORY", 0)
    return directory


def stray_cell_book(path, rows=5):
    """A staff sheet with a space at XFD1048576: read from a copy without blank cells (a named temp file)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教职工"
    sheet.append(HEADERS["教职工"])
    for i in range(rows):
        sheet.append(staff_row(f"临{i}", make_id_number(date(1980 + i, 3, 4), "F", area="421202"), "A001"))
    sheet["XFD1048576"] = " "
    book.save(path)
    return path


def test_nothing_is_left_after_a_commit_or_a_dry_run(world, county_user, tmp_path, temp_dir):
    path = stray_cell_book(tmp_path / "stray.xlsx")
    result = base_data_importer.run(path, user=county_user, commit=False)
    assert result.ok, result.problems.as_list()
    assert list(temp_dir.iterdir()) == []
    assert base_data_importer.run(path, user=county_user, commit=True).committed
    assert list(temp_dir.iterdir()) == []


def test_nothing_is_left_when_planning_fails_half_way(world, county_user, tmp_path, temp_dir, monkeypatch):
    path = stray_cell_book(tmp_path / "stray.xlsx")
    real, calls = importers._plan_staff_row, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:  # the second batch: the first one is spooled already
            raise RuntimeError("planning failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(importers, "_plan_staff_row", failing)
    with pytest.raises(RuntimeError, match="planning failed"):
        base_data_importer.run(path, user=county_user, commit=True)
    assert list(temp_dir.iterdir()) == []


def test_nothing_is_left_when_the_commit_fails(world, county_user, tmp_path, temp_dir, monkeypatch):
    path = stray_cell_book(tmp_path / "stray.xlsx")

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(basedata, "_apply_staff", failing)
    with pytest.raises(RuntimeError, match="went away"):
        base_data_importer.run(path, user=county_user, commit=True)
    assert list(temp_dir.iterdir()) == []


def test_nothing_is_left_when_copying_the_sheet_fails_unexpectedly(world, county_user, tmp_path, temp_dir,
                                                                  monkeypatch):
    """The stray-cell copy is removed whatever stops it (here an error that is not an OSError)."""
    path = stray_cell_book(tmp_path / "stray.xlsx")

    class Broken:
        def sub(self, *args):
            raise MemoryError("no memory for the copy")

    monkeypatch.setattr(reader_module, "_BLANK_CELL", Broken())
    with pytest.raises(MemoryError):
        base_data_importer.run(path, user=county_user, commit=False)
    assert list(temp_dir.iterdir()) == []
