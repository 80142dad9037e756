"""GB 11643 ID numbers: check digit, birth date, gender digit, normalisation, masking (no database)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from org import idcard

VALID = "11010519491231002X"  # the standard's own example: born 1949-12-31, female


def test_standard_example_is_valid_and_decoded():
    info = idcard.parse(VALID)
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "F"


@pytest.mark.parametrize("wrong", ["110105194912310021", "110105194912310029", "110105194912310020"])
def test_wrong_check_digit_is_rejected(wrong):
    with pytest.raises(ValidationError) as error:
        idcard.parse(wrong)
    assert error.value.code == "id_check_digit"


def test_every_single_digit_typo_is_caught():
    for position in range(17):
        digit = int(VALID[position])
        typo = VALID[:position] + str((digit + 1) % 10) + VALID[position + 1:]
        with pytest.raises(ValidationError):
            idcard.parse(typo)


@pytest.mark.parametrize("raw", ["11010519491231002x", " 110105 19491231002X ", "１１０１０５１９４９１２３１００２Ｘ"])
def test_lowercase_x_spaces_and_full_width_digits_are_normalised(raw):
    assert idcard.parse(raw).number == VALID


@pytest.mark.parametrize(
    "raw, code",
    [
        ("1101051949123100", "id_length"),
        ("1101051949123100211", "id_length"),
        ("1101051949123100X2", "id_characters"),
        ("11010519491331002X", "id_birth_date"),  # month 13
        ("11010518990101002X", "id_birth_date"),  # before 1900
        ("11010519490230002X", "id_birth_date"),  # 30 February
    ],
)
def test_malformed_numbers_are_rejected_with_their_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        idcard.parse(raw)
    assert error.value.code == code


def test_gender_digit_parity():
    male = idcard.make("421202", date(1980, 1, 2), 7, "M")
    female = idcard.make("421202", date(1980, 1, 2), 7, "F")
    assert idcard.parse(male).gender == "M" and int(male[16]) % 2 == 1
    assert idcard.parse(female).gender == "F" and int(female[16]) % 2 == 0


def test_make_builds_valid_numbers_with_the_birth_date():
    number = idcard.make("421221", date(1975, 2, 28), 42, "F")
    assert number.startswith("42122119750228")
    assert idcard.parse(number).birth_date == date(1975, 2, 28)


def test_mask_keeps_first_and_last_four():
    assert idcard.mask(VALID) == "1101**********002X"
    assert idcard.mask("") == ""
