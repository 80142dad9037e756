"""Cell parsers: turn what bureau staff actually type into typed values. Pure; no database.

A parser takes one non-blank cell value (as a reader returns it: str, float, int, bool, date or
datetime) and returns the typed value, or raises `CellError` with a message users can act on.
Blank cells never reach a parser: the sheet parser turns them into None (or "required").
"""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from org import idcard

MSG_DATE = _("“%(value)s” is not a date; write it like 2019-09-01, 2019/9/1, 2019.09 or 2019年9月1日.")
MSG_DATE_AMBIGUOUS = _(
    "“%(value)s” was stored by Excel as a number, so 2019.1 and 2019.10 look the same; "
    "type the date as text, e.g. 2019-10 or 2019年10月."
)
MSG_DATE_RANGE = _("The date %(value)s is outside the years 1900 to 2100.")
MSG_INTEGER = _("“%(value)s” is not a whole number.")
MSG_INTEGER_RANGE = _("%(value)s is outside the allowed range %(low)s to %(high)s.")
MSG_BOOLEAN = _("“%(value)s” is not one of 是 / 否.")
MSG_CHOICE = _("“%(value)s” is not one of: %(allowed)s.")
MSG_TOO_LONG = _("“%(value)s” is longer than %(limit)s characters.")
MSG_DIGITS = _("“%(value)s” must be exactly %(digits)s digits.")
MSG_ID_AS_NUMBER = _(
    "The ID number was stored as a number, so Excel has already lost its last digits "
    "(it keeps only 15 significant digits); set the column's format to Text and type the number again."
)

# Full-width digits, letters and punctuation (what Chinese input methods produce) to ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space
_FULL_WIDTH[0x3002] = ord(".")  # 。 typed for a dot in 2019。09

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "t"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "f"})


class CellError(ValueError):
    """One cell's problem, with the message shown to the user (Chinese when the UI is)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def fold(value: str) -> str:
    """Full-width characters to ASCII, stray spaces trimmed and collapsed."""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = text.translate(_FULL_WIDTH)
    return " ".join(text.split())


def is_blank(value) -> bool:
    """None, "" or only spaces (full-width ones too); hot path, so no folding."""
    return value is None or (type(value) is str and not value.strip())


def _number_text(value) -> str:
    """A number typed into a text column (a code, a phone number): 1001.0 -> "1001"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unneutralise(text: str) -> str:
    """Undo the export's formula neutralisation: "'=1+1" read back is "=1+1"."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _shown(value) -> str:
    return fold(_number_text(value))


# --- text and codes --------------------------------------------------------------------------

def text(max_length: int | None = None) -> Callable[[object], str]:
    """Free text: numbers stored as text or not, spaces trimmed."""

    def parse(value) -> str:
        result = fold(value) if type(value) is str else fold(_number_text(value))
        if result[:1] == "'":
            result = unneutralise(result)
        if max_length is not None and len(result) > max_length:
            raise CellError(MSG_TOO_LONG % {"value": result, "limit": max_length})
        return result

    return parse


def code(*, digits: int | None = None, max_length: int = 32) -> Callable[[object], str]:
    """An identifier such as a school or region code: no spaces, numbers stored as text accepted."""

    def parse(value) -> str:
        result = fold(_number_text(value)).replace(" ", "").upper()
        if digits is not None and (len(result) != digits or not result.isdigit()):
            raise CellError(MSG_DIGITS % {"value": result, "digits": digits})
        if len(result) > max_length:
            raise CellError(MSG_TOO_LONG % {"value": result, "limit": max_length})
        return result

    return parse


def integer(low: int | None = None, high: int | None = None) -> Callable[[object], int]:
    """A whole number, typed as a number or as text (full-width digits too)."""

    def parse(value) -> int:
        if isinstance(value, float) and value.is_integer():
            result = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            result = value
        else:
            folded = fold(str(value)).replace(",", "").replace(" ", "")
            if not re.fullmatch(r"[+-]?\d+(\.0+)?", folded):
                raise CellError(MSG_INTEGER % {"value": _shown(value)})
            result = int(float(folded)) if "." in folded else int(folded)
        if (low is not None and result < low) or (high is not None and result > high):
            raise CellError(MSG_INTEGER_RANGE % {"value": result, "low": low, "high": high})
        return result

    return parse


_EXACT_BOOLEANS = {"是": True, "否": False}


def boolean(value) -> bool:
    """是/否 (and Y/N, true/false, 1/0, √/×)."""
    if isinstance(value, bool):
        return value
    exact = _EXACT_BOOLEANS.get(value) if type(value) is str else None
    if exact is not None:
        return exact
    word = fold(_number_text(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(MSG_BOOLEAN % {"value": _shown(value)})


def choice(labels: Mapping[str, object]) -> Callable[[object], object]:
    """A value picked from Chinese labels (label -> stored value); the stored values are accepted too."""
    lookup = {fold(label).replace(" ", "").lower(): stored for label, stored in labels.items()}
    for stored in labels.values():
        lookup.setdefault(str(stored).lower(), stored)
    allowed = "、".join(labels)

    exact = dict(labels)

    def parse(value):
        if type(value) is str and value in exact:  # the common case: a label picked from the dropdown
            return exact[value]
        key = fold(_number_text(value)).replace(" ", "").lower()
        if key in lookup:
            return lookup[key]
        raise CellError(MSG_CHOICE % {"value": _shown(value), "allowed": allowed})

    parse.allowed = tuple(labels)
    parse.labels = {}
    for label, stored in labels.items():
        parse.labels.setdefault(stored, label)  # the first label of a value is the one exports write
    return parse


# --- dates -----------------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30)
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.年]|\s)\s*(?P<m>\d{1,2})\s*(?:(?:[-/.月]|\s)\s*(?P<d>\d{1,2})\s*日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?")


def _make_date(year: int, month: int, day: int | None, shown) -> date:
    if not 1900 <= year <= 2100:
        raise CellError(MSG_DATE_RANGE % {"value": _shown(shown)})
    try:
        return date(year, month, day or 1)
    except ValueError:
        raise CellError(MSG_DATE % {"value": _shown(shown)}) from None


def _date_from_number(value: float) -> date:
    if 1900 <= value < 2101 and not float(value).is_integer():
        # 2019.09 typed into a General cell: Excel keeps the number 2019.09 (year.month).
        year, fraction = f"{value:.6f}".split(".")
        fraction = fraction.rstrip("0")
        if len(fraction) != 2:
            raise CellError(MSG_DATE_AMBIGUOUS % {"value": _shown(value)})
        return _make_date(int(year), int(fraction), None, value)
    if float(value).is_integer() and 1900 <= value < 2101:
        raise CellError(MSG_DATE % {"value": _shown(value)})  # a year alone is not a date
    if float(value).is_integer():
        match = _COMPACT.fullmatch(str(int(value)))
        if match:  # 20190901 or 201909
            return _make_date(int(match["y"]), int(match["m"]), int(match["d"]) if match["d"] else None, value)
    if 0 < value < 73051:  # an Excel serial day number (a date cell read without its format)
        return EXCEL_EPOCH + timedelta(days=int(value))
    raise CellError(MSG_DATE % {"value": _shown(value)})


def date_value(value) -> date:
    """Excel date cells, serial numbers and the text forms of DESIGN.md; month-only means the 1st."""
    if value.__class__ is date and 1900 <= value.year <= 2100:  # a date cell: the common case
        return value
    if isinstance(value, datetime):
        return _make_date(value.year, value.month, value.day, value.date())
    if isinstance(value, date):
        return _make_date(value.year, value.month, value.day, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _date_from_number(value)
    folded = fold(str(value))
    match = _DATE_TEXT.fullmatch(folded) or _COMPACT.fullmatch(folded)
    if not match:
        raise CellError(MSG_DATE % {"value": folded})
    day = match.groupdict().get("d")
    return _make_date(int(match["y"]), int(match["m"]), int(day) if day else None, folded)


# --- national ID numbers ---------------------------------------------------------------------

def id_number(value) -> idcard.IdInfo:
    """A GB 11643 ID number typed as text; a numeric cell has already lost digits and is refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(MSG_ID_AS_NUMBER)
    try:
        return idcard.parse(str(value))
    except ValidationError as error:
        raise CellError(" ".join(str(m) for m in error.messages)) from None
