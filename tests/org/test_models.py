from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from org.models import MSG_BIRTH_MISMATCH, MSG_GENDER_MISMATCH, Staff
from tests.factories import StaffFactory, make_id_number

pytestmark = pytest.mark.django_db


def test_clean_rejects_gender_that_disagrees_with_the_id(world):
    staff = Staff(name="x", id_number=make_id_number(date(1980, 1, 1), "M"), gender="F",
                  birth_date=date(1980, 1, 1), school=world.school_a, post="teacher")
    with pytest.raises(ValidationError) as error:
        staff.full_clean()
    assert error.value.message_dict["gender"] == [str(MSG_GENDER_MISMATCH)]


def test_clean_rejects_birth_date_that_disagrees_with_the_id(world):
    staff = Staff(name="x", id_number=make_id_number(date(1980, 1, 1), "M"), gender="M",
                  birth_date=date(1980, 1, 2), school=world.school_a, post="teacher")
    with pytest.raises(ValidationError) as error:
        staff.full_clean()
    assert error.value.message_dict["birth_date"] == [str(MSG_BIRTH_MISMATCH)]


def test_clean_normalises_lowercase_x():
    number = next(n for n in (make_id_number() for _ in range(200)) if n.endswith("X"))
    staff = Staff(id_number=number.lower())
    with pytest.raises(ValidationError):
        staff.full_clean()  # other fields missing, but the number itself is accepted and normalised
    assert staff.id_number == number


def test_id_number_is_unique_in_the_database(world):
    with pytest.raises(IntegrityError):
        StaffFactory(id_number=world.staff_a.id_number)


def test_id_number_form_is_checked_by_the_database(world):
    with pytest.raises(IntegrityError):
        StaffFactory(id_number="ABC")
