"""The checks a partner's cell must pass, one small function each (NHS number, postcode, UPRN, UK dates).

These are the scalar rules; ``placehub.ingest.columns`` applies them to whole columns at once.
"""

from __future__ import annotations

import re
from datetime import date

# The shape of a UK postcode (outward code, then digit + two letters). Deliberately the format rule, not the
# Royal Mail's letter-position rules: fictional demo postcodes and NHS pseudo postcodes (ZZ99 3VZ) pass it.
POSTCODE_COMPACT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_SPACES = re.compile(r"\s+")

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
UPRN = re.compile(r"^[0-9]{1,12}$")
# A number Excel has turned into scientific notation (1.00023E+11): the original digits are lost.
SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$")


def normalise_postcode(text: str) -> str | None:
    """``cf479ux`` → ``CF47 9UX``; None when the text is not shaped like a UK postcode."""
    compact = _SPACES.sub("", text).upper()
    if not POSTCODE_COMPACT.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def nhs_digits(text: str) -> str:
    """The digits of an NHS number as partners write it (``943 476 5919``, ``943-476-5919``)."""
    return re.sub(r"[\s-]", "", text)


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 over the first nine digits; 11 - (sum mod 11) is the check digit
    (11 → 0; 10 means the number can never be valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def uprn_valid(text: str) -> bool:
    return bool(UPRN.match(text))


def normalise_uprn(text: str) -> str:
    """UPRNs are integers kept as text: leading zeros carry no meaning (``000100100`` → ``100100``)."""
    return text.lstrip("0") or "0"


MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("JAN", "JANUARY"),
            ("FEB", "FEBRUARY"),
            ("MAR", "MARCH"),
            ("APR", "APRIL"),
            ("MAY",),
            ("JUN", "JUNE"),
            ("JUL", "JULY"),
            ("AUG", "AUGUST"),
            ("SEP", "SEPT", "SEPTEMBER"),
            ("OCT", "OCTOBER"),
            ("NOV", "NOVEMBER"),
            ("DEC", "DECEMBER"),
        ],
        start=1,
    )
    for name in names
}
# An optional midnight time, as Excel writes dates into CSV (``31/01/1948 00:00``).
_TIME = r"(?:[ T]00:00(?::00(?:\.0+)?)?)?"
_DMY = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4}|\d{2})" + _TIME + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
_NAMED = re.compile(r"^(\d{1,2})(?:ST|ND|RD|TH)?[ \-/.]?([A-Z]{3,9})[ \-/.,]*(\d{4}|\d{2})$")


class NotADate(ValueError):
    """The text is not in any form we read."""


class NotARealDate(ValueError):
    """The text has a date's form but names no real day (31/02/1950)."""


def parse_uk_date(text: str, *, today: date | None = None) -> date:
    """A date in the forms UK partners send; raises NotADate or NotARealDate.

    A two-digit year is read as the most recent date that is not in the future: on 25/11/2026, ``26-DEC-26``
    is 26 December 1926 and ``01/01/26`` is 1 January 2026.
    """
    today = today or date.today()
    t = text.strip().upper()
    if m := _DMY.match(t):
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
    elif m := _ISO.match(t):
        y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    elif (m := _NAMED.match(t)) and m.group(2) in MONTHS:
        d, mo, y = int(m.group(1)), MONTHS[m.group(2)], m.group(3)
    else:
        raise NotADate(text)
    year = int(y) + (2000 if len(y) == 2 else 0)
    try:
        result = date(year, mo, d)
        if len(y) == 2 and result > today:
            result = date(year - 100, mo, d)
    except ValueError as exc:
        raise NotARealDate(text) from exc
    return result


def parse_iso_date(text: str) -> date:
    t = text.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", t):
        raise NotADate(text)
    try:
        return date.fromisoformat(t)
    except ValueError as exc:
        raise NotARealDate(text) from exc
