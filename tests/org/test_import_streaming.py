"""The base-data import streams (issue 16, 6): rows are read, checked, planned and written in batches of
org.importers.BATCH_ROWS, the plan is spooled to a temporary file, and the commit is still all or nothing."""

from datetime import date

import pytest
import simple_history.utils

from org import importers
from org.excel import Spool
from org.importers import base_data_importer
from org.models import School, Staff, WorkHistory
from org.services import basedata
from tests.factories import make_id_number
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db

BATCH = 3
ROWS = 10  # four batches of three: 3, 3, 3, 1


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(importers, "BATCH_ROWS", BATCH)
    monkeypatch.setattr(basedata, "IMPORT_BATCH", BATCH)


def workbook(book, prefix: str = "STR"):
    people = [make_id_number(date(1970 + i, 1 + i % 12, 1 + i % 27), "MF"[i % 2], area="421202")
              for i in range(ROWS)]
    path = book({
        "学校": [[f"{prefix}{i:03d}", f"{prefix}学校{i}", "421202", "小学", "乡村", ""] for i in range(ROWS)],
        "教职工": [staff_row(f"{prefix}{i}", number, f"{prefix}{i:03d}", school_start="2016.09")
                   for i, number in enumerate(people)],
        "任职经历": [[number, f"{prefix}{(i + 1) % ROWS:03d}", "专任教师", "2010.09", "2016.08"]
                     for i, number in enumerate(people)],
    })
    return path, people


def test_rows_are_read_lazily_and_the_plan_holds_at_most_one_batch(world, book, city_user, small_batches,
                                                                   monkeypatch):
    """At every batch of 教职工: the reader has yielded at most one batch beyond the rows already planned,
    the database rows held are the batch's, and the spooled plan holds at most one batch in memory."""
    path, people = workbook(book)
    yielded, seen = [0], []
    real_iter, real_resolve = importers.iter_workbook, importers._resolve_staff

    def counting_iter(*args, **kwargs):
        for name, rows in real_iter(*args, **kwargs):
            yield name, _counted(rows, yielded) if name == "教职工" else rows

    def recording_resolve(batch, context):
        real_resolve(batch, context)
        if batch and "name" in batch[0].values:  # the 教职工 sheet (任职经历 rows have no name)
            planned = context.staff_in_file
            seen.append({"batch": len(batch), "read_ahead": yielded[0] - len(planned), "db_rows": len(context.staff),
                         "held": context.plan.held})

    monkeypatch.setattr(importers, "iter_workbook", counting_iter)
    monkeypatch.setattr(importers, "_resolve_staff", recording_resolve)
    result = base_data_importer.run(path, user=city_user, commit=True)
    assert result.committed, result.problems.as_list()
    assert [entry["batch"] for entry in seen] == [3, 3, 3, 1]
    assert all(entry["read_ahead"] <= BATCH for entry in seen), seen
    assert all(entry["db_rows"] <= BATCH for entry in seen), seen
    # Three spools (schools, staff, history) hold at most one batch each; nothing else is held.
    assert all(entry["held"] <= 2 * BATCH for entry in seen), seen
    assert Staff.objects.filter(id_number__in=people).count() == ROWS
    assert WorkHistory.objects.filter(staff__id_number__in=people).count() == ROWS
    assert Staff.history.filter(id_number__in=people, history_type="+", history_user=city_user).count() == ROWS


def _counted(rows, counter):
    for row in rows:
        counter[0] += 1
        yield row


def test_the_commit_writes_batch_by_batch(world, book, city_user, small_batches, monkeypatch):
    path, people = workbook(book)
    written = []
    real = basedata._resolve_references

    def recording(rows, **references):
        written.append(len(rows))
        return real(rows, **references)

    monkeypatch.setattr(basedata, "_resolve_references", recording)
    assert base_data_importer.run(path, user=city_user, commit=True).committed
    assert max(written) <= BATCH and sum(written) == 3 * ROWS  # schools, staff, history: 10 rows each
    history = WorkHistory.objects.filter(staff__id_number=people[0]).get()
    assert history.school.code == "STR001"


def test_a_failure_in_the_third_batch_leaves_nothing_written(world, book, city_user, small_batches, monkeypatch):
    """All or nothing across batches: one transaction around them all."""
    path, people = workbook(book, "ATM")
    calls = []
    real = simple_history.utils.bulk_create_with_history

    def failing(objects, model, *args, **kwargs):
        if model is Staff:
            calls.append(len(objects))
            if len(calls) == 3:
                raise RuntimeError("the database went away in batch 3")
        return real(objects, model, *args, **kwargs)

    monkeypatch.setattr(basedata, "COPY_THRESHOLD", 10 ** 9)  # the bulk path on PostgreSQL too
    monkeypatch.setattr(simple_history.utils, "bulk_create_with_history", failing)
    staff_before, history_before = Staff.objects.count(), Staff.history.count()
    with pytest.raises(RuntimeError, match="batch 3"):
        base_data_importer.run(path, user=city_user, commit=True)
    assert calls == [3, 3, 3]  # two batches were written before the third failed
    assert Staff.objects.count() == staff_before and Staff.history.count() == history_before
    assert not School.objects.filter(code__startswith="ATM").exists()
    assert not School.history.filter(code__startswith="ATM").exists()
    assert not WorkHistory.objects.filter(staff__id_number__in=people).exists()


def test_a_dry_run_keeps_no_plan(world, book, city_user, small_batches):
    path, _people = workbook(book)
    context = base_data_importer.check(path, user=city_user, result=importers.ImportResult(), keep_plan=False)
    try:
        assert len(context.plan.staff_creates) == ROWS and context.plan.held == 0
        assert list(context.plan.staff_creates) == []
    finally:
        context.plan.close()


def test_a_spool_reads_back_in_order_in_batches_and_holds_one():
    with Spool(batch=4) as spool:
        for number in range(10):
            spool.append({"n": number, "day": date(2026, 1, 1 + number)})
            assert spool.held <= 4
        assert len(spool) == 10
        batches = list(spool.batches())
        assert [len(batch) for batch in batches] == [4, 4, 2]
        assert [item["n"] for item in spool] == list(range(10))
        assert batches[2][1]["day"] == date(2026, 1, 10)
    counting = Spool(batch=4, discard=True)
    counting.append(1)
    assert len(counting) == 1 and list(counting) == [] and counting.held == 0


def test_a_stray_blank_cell_no_longer_sends_a_dense_sheet_to_the_slow_reader(tmp_path):
    """A space at XFD1048576 (a careless Ctrl+End) and a formatted empty cell far down: the blank cells are
    dropped from a temporary copy, which calamine reads; the rows are the streaming reader's."""
    import openpyxl

    from org.excel import open_workbook

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教职工"
    for row in [["学校代码", "日期", "数"], ["A001", date(2020, 1, 2), 3], ["  ", "B", True], ["C", None, 4.5]]:
        sheet.append(row)
    sheet["XFD1048576"] = " "
    sheet["C900000"].number_format = "@"
    path = tmp_path / "stray.xlsx"
    book.save(path)
    with open_workbook(path) as fast, open_workbook(path, reader="stream") as streamed:
        rows = list(fast.rows("教职工"))
        assert fast.last_reader == "calamine, blank cells dropped"
        assert rows == list(streamed.rows("教职工"))
        assert [number for number, _row in rows] == [1, 2, 3, 4]
        copies = list(fast._cleaned)
    assert copies and not any(copy.exists() for copy in copies)  # the temporary copy is gone once closed


def test_a_stray_value_still_goes_to_the_streaming_reader(tmp_path):
    import openpyxl

    from org.excel import open_workbook

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教职工"
    sheet.append(["学校代码"])
    sheet.append(["A001"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "value.xlsx"
    book.save(path)
    with open_workbook(path) as opened:
        assert [n for n, _row in opened.rows("教职工")] == [1, 2, 1048576] and opened.last_reader == "stream"


def test_a_large_shared_string_table_is_spilled_and_read_alike(tmp_path, monkeypatch):
    """Above SHARED_STRINGS_IN_MEMORY the table lives in a temporary file; the rows are the same, read by the
    streaming reader (calamine would hold the whole table)."""
    import zipfile

    from org.excel import open_workbook
    from org.excel import reader as reader_module

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = ["学校代码", "名称", "A001", "甲校", "A002", "乙校"]
    cells = [[(0, "s"), (1, "s")], [(2, "s"), (3, "s")], [(4, "s"), (5, "s")], [(0, "n")]]
    typed = {"s": ' t="s"', "n": ""}
    rows = "".join(f'<row r="{r + 1}">' + "".join(f'<c r="{"AB"[c]}{r + 1}"{typed[kind]}><v>{value}</v></c>'
                                                    for c, (value, kind) in enumerate(row))
                   + "</row>" for r, row in enumerate(cells))
    path = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                                            f'<sheet name="教职工" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="worksheet"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>')
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">'
                                                 + "".join(f"<si><t>{text}</t></si>" for text in strings) + "</sst>")
    with open_workbook(path, reader="stream") as plain:  # calamine wants a fuller package than this one
        expected = list(plain.rows("教职工"))
    monkeypatch.setattr(reader_module, "SHARED_STRINGS_IN_MEMORY", 0)
    with open_workbook(path) as spilled:
        assert spilled.large_strings
        assert list(spilled.rows("教职工")) == expected and spilled.last_reader == "stream"
        with pytest.raises(IndexError):
            spilled._strings[len(spilled._strings)]
