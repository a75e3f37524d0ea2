"""The widened fast paths: more shorthands normalised, flat notations re-read (F1), an exact key picked out by
the area the record names (E3), and the caches that keep a new file fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from placehub.match.compare import Neighbourhood, check_pair
from placehub.match.decide import decide_exact, decide_flat_notation, decide_unnumbered_in_block
from placehub.match.normalise import (
    AreaNames,
    learn_area_names,
    normalise_address,
    normalise_postcode,
    segments,
)
from placehub.match.prepared import PreparedGazetteer
from placehub.match.thresholds import MatchMethod, MatchThresholds
from placehub.match.variants import flat_notation_readings

ROWS = [
    ("1", "FLAT A, 23 BADGER ROAD, KINGSMOOR, ASHCOMBE", "YQ12 2FB"),
    ("2", "FLAT B, 23 BADGER ROAD, KINGSMOOR, ASHCOMBE", "YQ12 2FB"),
    ("3", "14D WESTERN GROVE, FAIRWATER, ASHCOMBE", "YQ11 2AP"),
    ("4", "14C WESTERN GROVE, FAIRWATER, ASHCOMBE", "YQ11 2AP"),
    ("5", "FLAT 3, 12 HIGH STREET, KINGSMOOR, ASHCOMBE", "YQ12 1BW"),
    ("6", "FLAT 4, 12 HIGH STREET, KINGSMOOR, ASHCOMBE", "YQ12 1BW"),
    ("7", "45/46, BARRACKS ROW, KINGSMOOR, ASHCOMBE", "YQ12 3NF"),
    ("8", "14 TRINITY ROAD, STONEBRIDGE, ASHCOMBE", "YQ10 2RF"),
    ("9", "14 TRINITY ROAD, FAIRWATER, ASHCOMBE", "YQ11 4RF"),
    ("10", "GROUND FLOOR FLAT, 32 WILLOW DRIVE, FAIRWATER, ASHCOMBE", "YQ11 4AR"),
    ("11", "FIRST FLOOR FLAT, 32 WILLOW DRIVE, FAIRWATER, ASHCOMBE", "YQ11 4AR"),
    ("12", "3 FERN TERRACE, STONEBRIDGE, ASHCOMBE", "YQ10 4UN"),
    ("13", "1 CAMBRIDGE GROVE, ASHCOMBE", "YQ1 5DT"),
    ("14", "2 CAMBRIDGE GROVE, ASHCOMBE", "YQ1 5DT"),
    ("15", "4 ELM WAY, ASHCOMBE", "YQ1 5DU"),
    ("16", "ELM WAY LODGE, ELM WAY, ASHCOMBE", "YQ1 5DU"),
    ("17", "6 ELM WAY, ASHCOMBE", "YQ1 5DU"),
]
T = MatchThresholds()


@pytest.fixture(scope="module")
def gaz() -> PreparedGazetteer:
    areas = learn_area_names([segments(a) for _, a, _ in ROWS], min_count=2)
    return PreparedGazetteer(
        "t", Path("unused"), areas, [u for u, _, _ in ROWS], [a for _, a, _ in ROWS],
        [normalise_postcode(p) for _, _, p in ROWS], [normalise_address(a, areas) for _, a, _ in ROWS],
    )  # fmt: skip


def test_more_shorthands_are_normalised() -> None:
    assert segments("G/F Flat, 32 Willow Dr.") == [("GROUND", "FLOOR", "FLAT"), ("32", "WILLOW", "DRIVE")]
    assert segments("1st Flr Flat, 3 Clover Gr") == [("FIRST", "FLOOR", "FLAT"), ("3", "CLOVER", "GROVE")]
    assert segments("2nd floor flat, GRD FLR") == [("SECOND", "FLOOR", "FLAT"), ("GROUND", "FLOOR")]
    assert segments("Flat No. 5 Albert Mansions") == [("FLAT", "5", "ALBERT", "MANSIONS")]
    # "NO" is only dropped between a flat word and a number.
    assert segments("No Name Cottage") == [("NO", "NAME", "COTTAGE")]


def test_flat_notation_readings() -> None:
    areas = AreaNames(frozenset({("ASHCOMBE",)}))

    def keys(address: str) -> list[str]:
        return [r.key for r in flat_notation_readings(normalise_address(address, areas))]

    assert keys("23A Badger Rd, Ashcombe") == ["FLAT A 23 BADGERROAD"]
    assert keys("3/12 High St") == ["FLAT 3 12 HIGHSTREET"]
    assert keys("Flat D, 14 Western Grove") == ["14D WESTERNGROVE"]
    assert keys("Flat 3, 12 High Street") == []  # a numbered flat has no other notation here
    assert keys("Flat D, Kings Court, 14 Western Grove") == []  # a named block: not a converted house
    assert keys("12 High Street") == []
    readings = flat_notation_readings(normalise_address("23A Badger Rd, Ashcombe", areas))
    assert readings[0].tokens == ("FLAT", "A", "23", "BADGER", "ROAD", "ASHCOMBE")
    assert readings[0].numbers == ("23", "A")


def test_flat_written_in_another_notation_is_matched(gaz: PreparedGazetteer) -> None:
    def flat(address: str, postcode: str | None) -> tuple | None:
        rec = normalise_address(address, gaz.areas)
        return decide_flat_notation(gaz, rec, normalise_postcode(postcode), T)

    assert flat("23A BADGER RD", "YQ12 2FB") == (
        0, MatchMethod.EXACT, "address and postcode match exactly (flat written as FLAT A 23 BADGERROAD)",
    )  # fmt: skip
    assert flat("Flat D, 14 Western Gr, Fairwater", "YQ11 2AP") == (
        2, MatchMethod.EXACT, "address and postcode match exactly (flat written as 14D WESTERNGROVE)",
    )  # fmt: skip
    assert flat("3/12 High St", None) == (
        4,
        MatchMethod.EXACT_POSTCODE_TOLERANT,
        "address matches exactly; postcode missing (flat written as FLAT 3 12 HIGHSTREET)",
    )
    assert flat("23C BADGER RD", "YQ12 2FB") is None  # no flat C
    # The gazetteer writes "45/46" itself: the record's own reading names it, so it is never re-read.
    assert flat("45/46 Barracks Row", "YQ12 3NF") is None
    assert decide_exact(gaz, normalise_address("45/46 Barracks Row", gaz.areas), "YQ12 3NF", T) == (
        6, MatchMethod.EXACT, "address and postcode match exactly",
    )  # fmt: skip


def test_exact_key_picked_out_by_the_area_the_record_names(gaz: PreparedGazetteer) -> None:
    def exact(address: str, postcode: str | None) -> tuple | None:
        return decide_exact(gaz, normalise_address(address, gaz.areas), normalise_postcode(postcode), T)

    assert exact("14 Trinity Rd, Stonebridge, Ashcombe", None) == (
        7,
        MatchMethod.EXACT_POSTCODE_TOLERANT,
        "address matches exactly in the area it names; postcode missing",
    )
    assert exact("14 Trinity Rd, Stonebridge", "YQ10 2RG") == (
        7,
        MatchMethod.EXACT_POSTCODE_TOLERANT,
        "address matches exactly in the area it names; postcode 1 character(s) different",
    )
    assert exact("14 Trinity Rd, Ashcombe", None) is None  # both are in Ashcombe
    assert exact("14 Trinity Rd", None) is None  # no area named
    # The postcode is as close to the other one: the area alone does not decide.
    assert exact("14 Trinity Rd, Stonebridge", "YQ11 4RG") is None


def test_floor_shorthand_reaches_the_right_floor(gaz: PreparedGazetteer) -> None:
    rec = normalise_address("G/F Flat, 32 Willow Dr, Fairwater", gaz.areas)
    assert decide_exact(gaz, rec, "YQ11 4AR", T) == (
        9,
        MatchMethod.EXACT,
        "address and postcode match exactly",
    )


def test_neighbourhood_word_lookups_are_remembered(gaz: PreparedGazetteer) -> None:
    first = gaz.neighbourhood(set(), {"YQ12 2FB"}, "1")
    assert gaz.neighbourhood(set(), {"YQ12 2FB"}, "1") is first  # kept for the postcode-block rule
    assert isinstance(first, Neighbourhood)
    assert first.names("BADGER") is True
    assert first.names("BADGRE") is True  # a swap of neighbouring letters
    assert first.names("WILLOW") is False
    assert first._found == {"BADGER": True, "BADGRE": True, "WILLOW": False}
    rec = normalise_address("FLAT B, 23 BADGER ROAD", gaz.areas)
    assert check_pair(rec, "YQ12 2FB", gaz.normalised[1], "YQ12 2FB", first).problems == ()


def test_an_unnumbered_record_with_several_numbered_fits_goes_to_review(gaz: PreparedGazetteer) -> None:
    def offer(address: str, postcode: str | None) -> list[int] | None:
        rec = normalise_address(address, gaz.areas)
        return decide_unnumbered_in_block(gaz, rec, normalise_postcode(postcode), T)

    assert offer("Cambridge Grove, Ashcombe", "YQ1 5DT") == [12, 13]
    assert offer("Cambridge Grove", None) is None  # no postcode: no block to look in
    assert offer("1 Cambridge Grove", "YQ1 5DT") is None  # numbered: the other rules decide
    assert offer("Elm Way", "YQ1 5DU") is None  # an unnumbered address fits too (it may be the one)
    assert offer("Mill Lane", "YQ1 5DT") is None  # nothing fits
