"""Address normalisation: the cleaned tokens, the address key, numbers, area names."""

from __future__ import annotations

import pytest

from placehub.match.normalise import (
    AreaNames,
    join_word_runs,
    learn_area_names,
    normalise_address,
    normalise_postcode,
    property_numbers,
    segments,
)

AREAS = AreaNames(frozenset({("MERTHYR", "TYDFIL"), ("PENYDARREN",), ("CEFN", "COED")}))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("cf47 9sj", "CF47 9SJ"), ("CF479SJ", "CF47 9SJ"), (" yq1 1aa ", "YQ1 1AA"), ("EC1A1BB", "EC1A 1BB"),
     ("12345", None), ("", None), (None, None)],
)  # fmt: skip
def test_postcode(raw: str | None, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected


def test_segments_clean_expand_and_drop_the_postcode() -> None:
    assert segments("Flat 2, 57, Maple Cres., St. John's Rd, Merthyr Tydfil, CF48 2EH") == [
        ("FLAT", "2"), ("57",), ("MAPLE", "CRESCENT"), ("SAINT", "JOHNS", "ROAD"), ("MERTHYR", "TYDFIL"),
    ]  # fmt: skip
    assert segments("12 High St") == [("12", "HIGH", "STREET")]
    assert segments("Apartment 3, 9 A, Heol-y-Bryn") == [("FLAT", "3"), ("9A",), ("HEOL", "Y", "BRYN")]
    assert segments(",, ") == []


def test_property_numbers_include_lettered_flats() -> None:
    assert property_numbers(("FLAT", "B", "10", "GRAIG", "TERRACE")) == ("10", "B")
    assert property_numbers(("16A", "CHURCH", "STREET", "1")) == ("1", "16A")
    assert property_numbers(("ROSE", "COTTAGE")) == ()


def test_key_ignores_area_names_and_word_spacing() -> None:
    a = normalise_address("10, Harrison Street, Penydarren, Merthyr Tydfil", AREAS)
    b = normalise_address("10 HARRISON ST, MERTHYR TYDFIL CF47 9SJ", AREAS)
    c = normalise_address("10 Harrisonstreet", AREAS)
    assert a.key == b.key == c.key == "10 HARRISONSTREET"
    assert a.core == ("10", "HARRISON", "STREET")
    assert a.tokens == ("10", "HARRISON", "STREET", "PENYDARREN", "MERTHYR", "TYDFIL")
    assert normalise_address("Flat 1, 74, Pont Morlais", AREAS).key == "FLAT 1 74 PONTMORLAIS"


def test_an_area_name_is_kept_when_it_is_the_only_name() -> None:
    # "5, Penydarren" names a street called Penydarren: stripping it would leave a bare number.
    assert AREAS.strip(("5", "PENYDARREN", "MERTHYR", "TYDFIL")) == ("5", "PENYDARREN")
    assert AREAS.strip(("FLAT", "2", "CEFN", "COED")) == ("FLAT", "2", "CEFN", "COED")


def test_join_word_runs_keeps_numbers_apart() -> None:
    assert join_word_runs(("FLAT", "1", "1A", "YEW", "STREET")) == "FLAT 1 1A YEWSTREET"
    assert join_word_runs(("FLAT", "A", "CEFN", "GLAS")) == "FLAT A CEFNGLAS"


def test_area_names_are_learned_from_the_gazetteer() -> None:
    rows = [segments(f"{n}, {street}, {area}, ASHCOMBE, YQ1 1AA") for n in range(1, 6)
            for street, area in (("HIGH STREET", "FAIRWATER"), ("MILL LANE", "FAIRWATER"))]  # fmt: skip
    rows += [segments(f"{n}, BRONDEG, ASHCOMBE") for n in range(1, 8)]  # a street with no street word
    areas = learn_area_names(rows, extra=["Westfield"])
    assert areas.names == frozenset({("ASHCOMBE",), ("FAIRWATER",), ("WESTFIELD",)})
