"""A workbook whose zip directory is sound but one member's deflate stream is damaged: reading it raises
zlib.error (not BadZipFile). Every reader answers the Chinese "damaged" refusal, and an import of it changes
nothing, like any other unreadable file."""

import struct
import zipfile

import openpyxl
import pytest
from django.utils import translation

from org.excel import ExcelFileError, open_workbook
from org.excel import reader as reader_module
from org.importers import base_data_importer
from org.models import School

pytestmark = pytest.mark.django_db


def damage(path, member: str) -> None:
    """Overwrite `member`'s compressed bytes (its deflate stream), leaving every header and the directory."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    path.write_bytes(bytes(data))


def workbook(tmp_path, member: str):
    path = tmp_path / "damaged.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学校"
    sheet.append(["学校代码", "学校名称", "区县代码", "学段", "城乡类型", "是否薄弱校"])
    for number in range(40):
        sheet.append([f"A{number:03}", f"第{number}小学", "421202", "小学", "城区", "否"])
    book.save(path)
    damage(path, member)
    with zipfile.ZipFile(path) as archive, pytest.raises(Exception) as raised:
        archive.read(member)
    assert type(raised.value).__module__ == "zlib"  # the damage the test is about: not a BadZipFile
    return path


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                    "xl/styles.xml"])
@pytest.mark.parametrize("stream_only", [False, True])
def test_every_reader_refuses_a_damaged_deflate_stream_as_damaged(tmp_path, member, stream_only, monkeypatch):
    monkeypatch.setattr(reader_module.XlsxReader, "stream_only", stream_only)
    path = workbook(tmp_path, member)
    with pytest.raises(ExcelFileError) as raised:
        book = open_workbook(path)
        for sheet in book.sheets:
            list(book.rows(sheet.name))
    assert raised.value.message == reader_module.MSG_MALFORMED


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_importing_a_damaged_deflate_stream_is_refused_in_chinese_and_changes_nothing(world, tmp_path, county_user,
                                                                                       member):
    path = workbook(tmp_path, member)
    schools = School.objects.count()
    with translation.override("zh-hans"):
        result = base_data_importer.run(path, user=county_user, commit=True)
        messages = [str(problem.message) for problem in result.problems]
        damaged = str(reader_module.MSG_MALFORMED)
    assert not result.ok
    assert damaged in messages and "已损坏" in damaged
    assert School.objects.count() == schools
