"""Cell parsers: turn what bureau staff actually type into typed values. Pure; no database.

A parser takes one non-blank cell value (as a reader returns it: str, float, int, bool, date or
datetime) and returns the typed value, or raises `CellError` with a message users can act on.
Blank cells never reach a parser: the sheet parser turns them into None (or "required").
"""

import calendar
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
MSG_DATE_SERIAL_AMBIGUOUS = _(
    "“%(value)s” could be a year and month or a date serial number; type the date as 2019-09-01 or 2019年9月."
)
MSG_ID_SCIENTIFIC = _(
    "“%(value)s” is an ID number damaged by Excel: it was shown in scientific notation and its last digits are "
    "lost; set the column's format to Text and type the full number again."
)
MSG_ID_ZEROED = _(
    "The ID number %(value)s looks damaged by Excel: its last digits were turned into zeros (Excel keeps only 15 "
    "digits of a number), even if the check digit happens to pass; set the column's format to Text and type the full number again."
)
MSG_ID_OLD = _(
    "%(value)s is an old 15-digit ID number; type the person's 18-digit ID number (the one on the current card)."
)
MSG_FORMULA_WITHOUT_VALUE = _(
    "The cell holds a formula that was never calculated (the file was written by a program and never opened in "
    "Excel); open the file in Excel or WPS, save it, and upload it again."
)
MSG_FORMULA_ERROR = _("The cell's formula gives the error %(error)s; correct it in Excel or type the value.")
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


class Unreadable:
    """A cell whose value cannot be read (a formula without a calculated value, a formula error).

    Readers return it in place of a value; the sheet parser reports `message` for the cell."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = str(message)

    def __repr__(self) -> str:
        return f"Unreadable({self.message!r})"

    def __str__(self) -> str:
        return ""


FORMULA_WITHOUT_VALUE = Unreadable(MSG_FORMULA_WITHOUT_VALUE)


class CellError(ValueError):
    """One cell's problem, with the message shown to the user (Chinese when the UI is)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# Characters that copying from web pages, Word or WeChat leaves in cells and nobody can see.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202c\u200e\u200f"), None)
_SPACE_RUN = re.compile(r"\s+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _join_space(match: re.Match) -> str:
    """A run of spaces or line breaks: removed next to Chinese text, one space between Latin words."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text):
        return ""
    if _CJK.match(text, start - 1) or _CJK.match(text, end):
        return ""
    return " "


def fold(value: str) -> str:
    """Full-width characters to ASCII, invisible characters dropped, stray spaces trimmed and collapsed."""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = text.translate(INVISIBLE).translate(_FULL_WIDTH)
    return " ".join(text.split())


def clean_text(value: str) -> str:
    """Text as people mean it (national teacher-information rule for names): 董　明 is 董明; a line break
    inside Chinese text disappears; between Latin words any run of spaces or line breaks is one space."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return " ".join(text.split())
    text = text.translate(INVISIBLE)
    return _SPACE_RUN.sub(_join_space, text.strip().translate(_FULL_WIDTH))


def clean_code(value: str) -> str:
    """An identifier as typed or pasted: a leading apostrophe, spaces of every kind (NBSP, U+3000,
    tabs) and invisible characters (zero-width space, BOM) removed; full-width digits folded."""
    text = "".join(fold(value).split())
    return text[1:] if text[:1] in ("'", "‘", "’", "`") else text


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
        result = clean_text(value) if type(value) is str else fold(_number_text(value))
        if result[:1] == "'":
            result = unneutralise(result)
        if max_length is not None and len(result) > max_length:
            raise CellError(MSG_TOO_LONG % {"value": result, "limit": max_length})
        return result

    return parse


def code(*, digits: int | None = None, max_length: int = 32) -> Callable[[object], str]:
    """An identifier such as a school or region code: no spaces, numbers stored as text accepted."""

    def parse(value) -> str:
        result = clean_code(_number_text(value)).upper()
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
    r"(?P<y>\d{4})\s*(?:[-/.年]|\s)\s*(?P<m>\d{1,2})\s*(?:(?:[-/.月]|\s)\s*(?P<d>\d{1,2})\s*[日号]?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
OPEN_END_WORDS = frozenset({"至今", "今", "现在", "目前", "迄今", "今天"})
SERIAL_MIN, SERIAL_MAX = 1, 73051  # Excel serials of 1900-01-01 and 2100-01-01


class MonthDate(date):
    """A date given only to its month (2019.09, 2019年9月): a period, stored as its 1st day.

    `end_date` turns it into the month's last day; comparisons with a full date (a birth date from
    the ID number) agree when the month agrees (`same_period`)."""

    __slots__ = ()


def same_period(given: date, exact: date) -> bool:
    """Does a date typed by a clerk agree with an exact one? A MonthDate agrees when the month does."""
    if isinstance(given, MonthDate):
        return (given.year, given.month) == (exact.year, exact.month)
    return given == exact


def _make_date(year: int, month: int, day: int | None, shown) -> date:
    if not 1900 <= year <= 2100:
        raise CellError(MSG_DATE_RANGE % {"value": _shown(shown)})
    try:
        return date(year, month, day) if day else MonthDate(year, month, 1)
    except ValueError:
        raise CellError(MSG_DATE % {"value": _shown(shown)}) from None


def _date_from_number(value: float) -> date:
    if 1900 <= value < 2101 and not float(value).is_integer():
        # 2019.09 typed into a General cell: Excel keeps the number 2019.09 (year.month). 2019.9 can only be
        # September; 2019.1 is January or October (2019.10), which the number no longer tells apart.
        year, fraction = f"{value:.6f}".split(".")
        fraction = fraction.rstrip("0")
        if len(fraction) > 2 or fraction == "1":
            raise CellError(MSG_DATE_AMBIGUOUS % {"value": _shown(value)})
        return _make_date(int(year), int(fraction), None, value)
    if float(value).is_integer() and 1900 <= value < 2101:
        raise CellError(MSG_DATE % {"value": _shown(value)})  # a year alone is not a date
    if float(value).is_integer():
        match = _COMPACT.fullmatch(str(int(value)))
        if match:  # 20190901 or 201909
            return _make_date(int(match["y"]), int(match["m"]), int(match["d"]) if match["d"] else None, value)
    if SERIAL_MIN <= value < SERIAL_MAX:  # an Excel serial day number (a date cell read without its format)
        return EXCEL_EPOCH + timedelta(days=int(value))
    raise CellError(MSG_DATE % {"value": _shown(value)})


def date_value(value) -> date:
    """Excel date cells, serial numbers (as numbers or typed as text) and the text forms of DESIGN.md.

    A month alone (2019.09, 2019年9月, the number 2019.9) gives a `MonthDate` on the month's 1st day, which is
    what a start means; use `end_date` for columns that end something. Refused, with the reason: text that
    is no date, the number 2019.1 (January or October), dates outside 1900-2100."""
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
        if _SERIAL_TEXT.fullmatch(folded):  # a date serial typed (or pasted) as text: 43709
            return _date_from_number(float(folded))
        raise CellError(MSG_DATE % {"value": folded})
    day = match.groupdict().get("d")
    return _make_date(int(match["y"]), int(match["m"]), int(day) if day else None, folded)


def end_date(value) -> date | None:
    """The last day of something (DESIGN.md Excel: end dates are inclusive): a month alone means its last
    day (2016.08 is 2016-08-31); 至今, 今, 现在 mean it has not ended (None)."""
    if value.__class__ is str and "".join(value.split()) in OPEN_END_WORDS:
        return None
    result = date_value(value)
    if isinstance(result, MonthDate):
        return date(result.year, result.month, calendar.monthrange(result.year, result.month)[1])
    return result


def start_date(value) -> date:
    """The first day of something: a month alone means its 1st day (a plain date, ready to store)."""
    result = date_value(value)
    return date(result.year, result.month, result.day) if isinstance(result, MonthDate) else result


# --- national ID numbers ---------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+?\d+", re.IGNORECASE)


def id_number(value) -> idcard.IdInfo:
    """A GB 11643 ID number typed as text, cleaned of apostrophes, spaces of every kind and invisible
    characters. Refused with the real cause: a numeric cell or scientific notation typed back as text
    (Excel lost the last digits), a sequence code 000 (Excel zeroed the end; even if the check digit
    passes), an old 15-digit number, and every GB 11643 fault (idcard.parse)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(MSG_ID_AS_NUMBER)
    text = clean_code(str(value))
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(MSG_ID_SCIENTIFIC % {"value": text})
    if len(text) == 15 and text.isdigit():
        raise CellError(MSG_ID_OLD % {"value": text})
    try:
        info = idcard.parse(text)
    except ValidationError as error:
        if len(text) == 18 and _zeroed(text):
            raise CellError(MSG_ID_ZEROED % {"value": text}) from None
        raise CellError(" ".join(str(m) for m in error.messages)) from None
    if _zeroed(info.number):
        raise CellError(MSG_ID_ZEROED % {"value": info.number})
    return info


def _zeroed(number: str) -> bool:
    """Excel keeps 15 significant digits: a number typed into a General cell ends in 000. The sequence
    code 000 is never issued either."""
    return number[15:] == "000" or number[14:17] == "000"
