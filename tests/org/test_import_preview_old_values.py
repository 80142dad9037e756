"""The import preview shows what a changed code was, not "—" (a school move, a new parent region)."""

import pytest

from org.importers import base_data_importer
from org.models import Region
from tests.factories import RegionFactory, SchoolFactory, StaffFactory, UserFactory
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db


def sheet(result, name):
    return next(s for s in result.sheets if s.name == name)


def test_a_school_move_shows_the_old_school_code(world, book, county_user):
    SchoolFactory(code="A009", name="咸安二小", region=world.county_a)
    person = StaffFactory(school=world.school_a)
    path = book({"教职工": [staff_row(person.name, person.id_number, "A009")]})
    result = base_data_importer.run(path, user=county_user, commit=False)
    assert result.ok, result.problems.as_list()
    [updated] = sheet(result, "教职工").preview["updated"]
    assert ["学校代码", world.school_a.code, "A009"] in updated["changes"]


def test_a_new_parent_region_shows_the_old_parent_code(world, book):
    other_city = RegionFactory(code="421000", name="襄阳市", level=Region.Level.CITY)
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    path = book({"区县": [[world.county_b.code, world.county_b.name, other_city.code]]})
    result = base_data_importer.run(path, user=admin, commit=False)
    assert result.ok, result.problems.as_list()
    [updated] = sheet(result, "区县").preview["updated"]
    assert updated["changes"] == [["上级代码", world.city.code, "421000"]]
