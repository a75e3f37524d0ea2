"""The general mess generators: slips, abbreviations, postcodes, dates and names."""

from __future__ import annotations

import random
import re

from placehub.demo import mess
from placehub.demo.addresses import Address
from placehub.demo.postcodes import PATTERN

STRICT_POSTCODE = re.compile(r"^[A-PR-UWYZ][A-HK-Y][0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}$")


def _flat(**kw: object) -> Address:
    base = dict(
        uprn="100012345678",
        parent_uprn="100087654321",
        usrn="21234567",
        classification="RD06",
        sao_text="FLAT 3",
        pao_text="ROWAN COURT",
        pao_number=12,
        pao_suffix="",
        street="HIGH STREET",
        locality="NORTHWICK",
        town="ASHCOMBE",
        postcode="YQ2 1AB",
        x=0.0,
        y=0.0,
        plot=1,
        side=0,
    )
    base.update(kw)
    return Address(**base)  # type: ignore[arg-type]


def test_typo_is_one_slip_and_keeps_the_first_letter() -> None:
    rng = random.Random(1)
    for _ in range(500):
        out = mess.typo(rng, "CAMBRIDGE")
        assert out != "" and abs(len(out) - len("CAMBRIDGE")) <= 1
        assert out[0] == "C"  # the first letter, which people rarely get wrong, is kept


def test_short_words_are_left_alone() -> None:
    assert mess.typo(random.Random(1), "ASH") == "ASH"


def test_street_type_is_abbreviated_when_asked() -> None:
    assert mess.street_variant(random.Random(1), "HIGH STREET", abbreviate=1.0, slip=0.0) == "HIGH ST"
    assert mess.street_variant(random.Random(1), "ROWAN ROAD", abbreviate=1.0, slip=0.0) == "ROWAN RD"
    assert mess.street_variant(random.Random(1), "THE GREEN", abbreviate=1.0, slip=0.0) == "THE GREEN"


def test_postcode_slip_is_still_a_valid_postcode_but_different() -> None:
    rng = random.Random(2)
    for _ in range(300):
        out = mess.postcode_slip(rng, "YQ12 3AB")
        assert out != "YQ12 3AB"
        assert STRICT_POSTCODE.match(out)
        assert out.startswith("YQ12 ")


def test_demo_postcode_area_passes_royal_mail_positional_rules() -> None:
    assert STRICT_POSTCODE.match("YQ1 1AB")
    assert PATTERN.match("YQ13 9ZZ")


def test_date_variant_writes_each_uk_form() -> None:
    rng = random.Random(0)
    assert mess.date_variant(rng, "1948-01-31", formats=("dmy/",)) == "31/01/1948"
    assert mess.date_variant(rng, "1948-01-31", formats=("iso",)) == "1948-01-31"
    assert mess.date_variant(rng, "1948-01-31", formats=("dmon2",)) == "31-JAN-48"
    assert mess.date_variant(rng, "1948-01-31", formats=("dmy.",)) == "31.01.1948"


def test_swap_day_month_only_when_the_swap_is_a_date() -> None:
    assert mess.swap_day_month("1950-03-07") == "1950-07-03"
    assert mess.swap_day_month("1950-03-25") == "1950-03-25"
    assert mess.swap_day_month("1950-04-04") == "1950-04-04"


def test_ascii_fold_keeps_letters_and_straightens_apostrophes() -> None:
    assert mess.ascii_fold("Zoë O’Brien – Renée") == "Zoe O'Brien - Renee"


def test_flat_notations_all_name_the_same_flat() -> None:
    rng = random.Random(4)
    seen = set()
    for _ in range(400):
        lines = mess._flat_lines(rng, _flat(), "HIGH STREET")
        seen.add(" | ".join(lines))
    assert "FLAT 3 | ROWAN COURT | 12 HIGH STREET" in seen
    assert "3/12 HIGH STREET" in seen
    assert "FLAT 3 | 12 HIGH STREET" in seen
    assert "FLAT 3 ROWAN COURT | 12 HIGH STREET" in seen


def test_converted_flat_letter_becomes_a_number_suffix() -> None:
    rng = random.Random(9)
    seen = {
        " | ".join(mess._flat_lines(rng, _flat(sao_text="FLAT C", pao_text=""), "HIGH STREET"))
        for _ in range(200)
    }
    assert {"FLAT C | 12 HIGH STREET", "12C HIGH STREET", "FLT C | 12 HIGH STREET"} <= seen
    assert all(s.endswith("12 HIGH STREET") or s == "12C HIGH STREET" for s in seen)


def test_render_address_is_deterministic_for_a_seed() -> None:
    a = _flat()
    first = [mess.render_address(random.Random(11), a, {}) for _ in range(3)]
    assert first[0] == first[1] == first[2]
