"""A county clerk imports a workbook in the browser: upload, see the preview, commit, see the staff."""

import pytest

from org.models import Staff
from tests.org.conftest import staff_row, write_book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_commit_in_the_browser(world, county_user, login, live_server, tmp_path):
    path = write_book(tmp_path / "基础数据.xlsx", {
        "学校": [["A002", "咸安区第二小学", "421202", "小学", "乡村", "否"]],
        "教职工": [staff_row(name="丙老师", school="A002")],
    })
    page = login("county_a")
    page.click("text=数据导入导出")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=commit-button]")
    assert "丙老师" in page.content()  # the preview lists the new person
    assert not Staff.objects.filter(name="丙老师").exists()  # nothing written before the commit
    with page.expect_navigation():
        page.click("[data-testid=commit-button]")
    page.wait_for_function("document.querySelector('[data-testid=job-status]').innerText.includes('已导入')")
    staff = Staff.objects.get(name="丙老师")
    assert staff.school.code == "A002" and staff.history.latest().history_user == county_user


def test_bad_workbook_shows_every_problem_in_chinese(world, county_user, login, tmp_path):
    path = write_book(tmp_path / "坏.xlsx", {"教职工": [staff_row(school="Z9"), staff_row(school="B001")]})
    page = login("county_a")
    page.click("text=数据导入导出")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("[data-testid=upload-form] button[type=submit]")
    rows = [line.split("\t") for line in page.get_by_test_id("problem-table").inner_text().splitlines()[1:]]
    assert [row[:3] for row in rows] == [["教职工", "2", "学校代码"], ["教职工", "3", "学校代码"]]
    # another county's school is refused by row, with the same words as an unknown code (issue 8, point 8)
    assert "Z9" in rows[0][3] and rows[1][3].replace("B001", "Z9") == rows[0][3]
    assert page.locator("[data-testid=commit-button]").count() == 0
    assert Staff.objects.count() == 2


def test_a_stray_cell_at_xfd1048576_is_answered_within_seconds_and_the_page_stays_usable(world, county_user, login,
                                                                                          tmp_path):
    """The used range runs to Excel's last cell (a stray space and a formatted cell there): the upload is
    checked in seconds, the three people are previewed and imported, and the page works afterwards."""
    import time
    from datetime import date

    import openpyxl

    from tests.factories import make_id_number
    from tests.org.conftest import HEADERS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教职工"
    sheet.append(HEADERS["教职工"])
    for index in range(3):
        sheet.append(staff_row(name=f"远端{index}", id_number=make_id_number(date(1980, 2, index + 1), "M"),
                               school="A001"))
    sheet["XFD1048576"] = " "
    sheet["XFD1048575"].number_format = "@"
    path = tmp_path / "远端.xlsx"
    book.save(path)
    page = login("county_a")
    page.click("text=数据导入导出")
    page.set_input_files("input[type=file]", str(path))
    started = time.monotonic()
    with page.expect_navigation():
        page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=commit-button]", timeout=10000)
    assert time.monotonic() - started < 10
    assert "远端0" in page.content()
    with page.expect_navigation():
        page.click("[data-testid=commit-button]")
    page.wait_for_function("document.querySelector('[data-testid=job-status]').innerText.includes('已导入')")
    assert Staff.objects.filter(name__startswith="远端").count() == 3
    page.click("text=数据导入导出")  # the page is usable afterwards
    assert page.locator("[data-testid=upload-form]").count() == 1
