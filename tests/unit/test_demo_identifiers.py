"""Fictional identifiers: NHS numbers in the 999 test range with valid check digits, drama-range phones."""

from __future__ import annotations

import random

import numpy as np

from placehub.demo.identifiers import (
    draw_nhs_numbers,
    invalidate_nhs_number,
    is_valid_nhs_number,
    nhs_check_digit,
    phone_pool,
    valid_test_nhs_numbers,
)


def test_check_digit_matches_the_nhs_worked_example() -> None:
    # 943 476 5919 is the NHS Data Dictionary's example of a valid number.
    assert nhs_check_digit("943476591") == 9
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("94347659")


def test_every_test_range_number_is_valid_and_only_remainder_ten_is_excluded() -> None:
    pool = valid_test_nhs_numbers()
    # Of the 1,000,000 bodies 999 000 000 - 999 999 999, one in eleven has check digit 10 (never issued).
    assert len(pool) == 909_091
    assert pool[0] == "9990000018"
    assert all(is_valid_nhs_number(n) for n in pool[::997])
    assert all(n.startswith("999") for n in pool[::997])


def test_drawn_numbers_are_distinct() -> None:
    drawn = draw_nhs_numbers(np.random.default_rng(3), 50_000)
    assert len(set(drawn)) == 50_000


def test_invalidated_number_fails_the_check() -> None:
    rng = random.Random(5)
    for number in valid_test_nhs_numbers()[:200]:
        wrong = invalidate_nhs_number(rng, number)
        assert not is_valid_nhs_number(wrong)
        assert sum(a != b for a, b in zip(wrong, number, strict=True)) == 1


def test_phone_pool_is_only_ofcom_drama_numbers() -> None:
    pool = phone_pool()
    assert len(pool) == 16_000
    assert len(set(pool)) == 16_000
    assert pool[0] == "0113 496 0000"
    assert pool[-1] == "07700 900999"
