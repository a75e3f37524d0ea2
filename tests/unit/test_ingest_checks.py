"""NHS number Modulus 11, UK postcodes, UPRNs and the UK date forms partners send."""

from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from placehub.ingest import checks
from placehub.ingest.columns import nhs_check_failures, normalise_postcodes

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "text,valid",
    [
        ("943 476 5919", True),  # NHS Digital's published example
        ("943-476-5919", True),
        ("9434765919", True),
        ("943 476 5918", False),  # wrong check digit
        ("401 023 2137", True),
        ("401 023 2138", False),
        ("000 000 0000", True),  # 11 - 0 = 11 → check digit 0
        ("123 456 7890", False),  # remainder gives 10: never a valid number
        ("943 476 591", False),  # nine digits
        ("943 476 59199", False),
        ("94347659A9", False),
    ],
)
def test_nhs_number_modulus_11(text: str, valid: bool) -> None:
    assert checks.nhs_number_valid(checks.nhs_digits(text)) is valid


def test_vectorised_modulus_11_agrees_with_the_scalar_rule() -> None:
    import random

    rng = random.Random(11)
    numbers = ["".join(rng.choice("0123456789") for _ in range(10)) for _ in range(2000)]
    bad = nhs_check_failures(pa.array(numbers), np.ones(len(numbers), dtype=bool))
    assert [not b for b in bad.tolist()] == [checks.nhs_number_valid(n) for n in numbers]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("CF47 9UX", "CF47 9UX"),
        ("cf479ux", "CF47 9UX"),
        (" CF47  9UX ", "CF47 9UX"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("EC1A1BB", "EC1A 1BB"),
        ("ZZ99 3VZ", "ZZ99 3VZ"),  # NHS pseudo postcode: the right shape
        ("CF47 9U", None),
        ("CF47", None),
        ("47CF 9UX", None),
        ("CF47 9UXX", None),
        ("", None),
    ],
)
def test_postcodes_are_normalised_to_outward_space_inward(text: str, expected: str | None) -> None:
    assert checks.normalise_postcode(text) == expected
    assert normalise_postcodes(pa.array([text])).to_pylist() == [expected]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("31/01/1948", date(1948, 1, 31)),
        ("31-01-1948", date(1948, 1, 31)),
        ("31.01.48", date(1948, 1, 31)),
        ("1/2/1950", date(1950, 2, 1)),
        ("1948-01-31", date(1948, 1, 31)),
        ("31 Jan 1948", date(1948, 1, 31)),
        ("31-JAN-1948", date(1948, 1, 31)),
        ("31 January 1948", date(1948, 1, 31)),
        ("1st March 1960", date(1960, 3, 1)),
        ("31/01/1948 00:00", date(1948, 1, 31)),  # how Excel writes a date into CSV
        ("01/01/25", date(2025, 1, 1)),  # two-digit year: the most recent date not in the future
        ("01/01/26", date(2026, 1, 1)),
        ("01/06/26", date(2026, 6, 1)),  # today
        ("26-DEC-26", date(1926, 12, 26)),
        ("01/01/27", date(1927, 1, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_uk_dates(text: str, expected: date) -> None:
    assert checks.parse_uk_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["31/02/1950", "29/02/2023", "00/01/1950", "12/13/1950", "1950-02-30"])
def test_uk_dates_that_name_no_real_day(text: str) -> None:
    with pytest.raises(checks.NotARealDate):
        checks.parse_uk_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["1950/31/01", "31st of Jan", "yesterday", "31 Foo 1950", "3101950"])
def test_text_that_is_not_a_uk_date(text: str) -> None:
    with pytest.raises(checks.NotADate):
        checks.parse_uk_date(text, today=TODAY)


@pytest.mark.parametrize(
    "text,valid",
    [("100100123456", True), ("512909", True), ("1", True), ("1001001234567", False), ("12A", False)],
)
def test_uprn_is_one_to_twelve_digits(text: str, valid: bool) -> None:
    assert checks.uprn_valid(text) is valid


def test_uprn_leading_zeros_carry_no_meaning() -> None:
    assert checks.normalise_uprn("000100100") == "100100"
