"""Decision rules: pair consistency checks, the exact and postcode-block paths, thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from placehub.match.compare import check_pair, edit_distance, postcode_distance
from placehub.match.decide import decide_exact, decide_postcode_block
from placehub.match.errors import BadThresholds
from placehub.match.normalise import learn_area_names, normalise_address, normalise_postcode, segments
from placehub.match.prepared import PreparedGazetteer
from placehub.match.thresholds import MatchMethod, MatchThresholds

ROWS = [
    ("1", "10 HIGH STREET, FAIRWATER, ASHCOMBE", "YQ1 1AA"),
    ("2", "12 HIGH STREET, FAIRWATER, ASHCOMBE", "YQ1 1AA"),
    ("3", "FLAT 1, 14 HIGH STREET, FAIRWATER, ASHCOMBE", "YQ1 1AB"),
    ("4", "FLAT 2, 14 HIGH STREET, FAIRWATER, ASHCOMBE", "YQ1 1AB"),
    ("5", "ROSE COTTAGE, MILL LANE, FAIRWATER, ASHCOMBE", "YQ1 2BB"),
    ("6", "PRESWYLFA, 1 MILL LANE, FAIRWATER, ASHCOMBE", "YQ1 2BB"),
    ("7", "9 MILL LANE, FAIRWATER, ASHCOMBE", "YQ1 2BB"),
    ("8", "7 CHURCH ROAD, WESTFIELD, ASHCOMBE", "YQ2 3CC"),
    ("9", "7 CHURCH ROAD, FAIRWATER, ASHCOMBE", "YQ1 4DD"),
    ("10", "20 STATION ROAD, WESTFIELD, ASHCOMBE", "YQ2 4EE"),
    ("11", "22 STATION ROAD, WESTFIELD, ASHCOMBE", "YQ2 4EE"),
]


@pytest.fixture(scope="module")
def gaz() -> PreparedGazetteer:
    areas = learn_area_names([segments(a) for _, a, _ in ROWS], min_count=2)
    return PreparedGazetteer(
        "t", Path("unused"), areas, [u for u, _, _ in ROWS], [a for _, a, _ in ROWS],
        [normalise_postcode(p) for _, _, p in ROWS], [normalise_address(a, areas) for _, a, _ in ROWS],
    )  # fmt: skip


def _check(gaz: PreparedGazetteer, address: str, postcode: str, row: int) -> tuple[str, ...]:
    rec = normalise_address(address, gaz.areas)
    pc = normalise_postcode(postcode)
    nearby = gaz.neighbourhood(set(), {pc, gaz.postcodes[row]}, gaz.uprns[row])
    return check_pair(rec, pc, gaz.normalised[row], gaz.postcodes[row], nearby).problems


def test_edit_distances() -> None:
    assert edit_distance("ABCH", "BACH") == 1  # a swap of neighbouring letters is one edit
    assert edit_distance("SALISBURY", "SAISBURY") == 1
    assert edit_distance("ROAD", "STREET", cap=2) == 3
    assert postcode_distance("CF47 9SJ", "CF47 9SL") == 1
    assert postcode_distance(None, "CF47 9SJ") is None


def test_consistent_pair_has_no_problems(gaz: PreparedGazetteer) -> None:
    assert _check(gaz, "10 High St, Fairwater", "YQ1 1AA", 0) == ()
    assert _check(gaz, "Rose Cottage, Mill Ln", "YQ1 2BB", 4) == ()


def test_house_and_flat_numbers_must_agree(gaz: PreparedGazetteer) -> None:
    assert _check(gaz, "11 High Street", "YQ1 1AA", 0) == (
        "numbers disagree (11 in the record, 10 in the candidate)",
    )
    assert _check(gaz, "Flat 3, 14 High Street", "YQ1 1AB", 2) == (
        "numbers disagree (3 in the record, 1 in the candidate)",
    )
    assert _check(gaz, "Flat 1, 12 High Street", "YQ1 1AA", 0) == (
        "numbers disagree (1/12 in the record, 10 in the candidate)",
    )
    # "FLAT 10, 12 HIGH STREET" is a flat at number 12, not number 10.
    assert _check(gaz, "Flat 10, 12 High Street", "YQ1 1AA", 0) == (
        "house number disagrees (12 in the record, 10 in the candidate)",
    )


def test_a_flat_of_an_undivided_building_is_tolerated_but_not_of_a_divided_one(
    gaz: PreparedGazetteer,
) -> None:
    assert _check(gaz, "Flat B, 10 High Street", "YQ1 1AA", 0) == ()
    assert _check(gaz, "Flat 3, 9 Mill Lane", "YQ1 2BB", 6) == ()
    # A record of a flat at 14 picks no candidate by its building alone: 14 is divided into flats 1 and 2.
    gaz14 = normalise_address("14 HIGH STREET, FAIRWATER, ASHCOMBE", gaz.areas)
    rec = normalise_address("Flat 3, 14 High Street", gaz.areas)
    nearby = gaz.neighbourhood(set(), {"YQ1 1AB"}, "new")
    assert check_pair(rec, "YQ1 1AB", gaz14, "YQ1 1AB", nearby).problems == (
        "number 3 in the record is not in the candidate",
    )


def test_a_record_word_naming_another_address_nearby_is_a_problem(gaz: PreparedGazetteer) -> None:
    assert _check(gaz, "Preswylfa, 9 Mill Lane", "YQ1 2BB", 6) == (
        "record word(s) PRESWYLFA name another address nearby",
    )
    # A descriptor ("The Cottage") is not a name: tolerated.
    assert _check(gaz, "The Cottage, 9 Mill Lane", "YQ1 2BB", 6) == ()


def test_area_and_postcode_checks(gaz: PreparedGazetteer) -> None:
    assert _check(gaz, "7 Church Road, Westfield", "YQ1 4DD", 8) == ("area WESTFIELD is not the candidate's",)
    assert _check(gaz, "10 High Street", "ZZ9 9ZZ", 0) == ("postcodes differ by 6 characters",)


def test_exact_path(gaz: PreparedGazetteer) -> None:
    t = MatchThresholds()

    def exact(address: str, postcode: str | None) -> tuple | None:
        return decide_exact(gaz, normalise_address(address, gaz.areas), normalise_postcode(postcode), t)

    assert exact("10 HIGH ST", "YQ1 1AA") == (0, MatchMethod.EXACT, "address and postcode match exactly")
    # Postcode mis-keyed by one character: the key alone names one UPRN.
    assert exact("12 High Street, Fairwater", "YQ1 1AD") == (
        1, MatchMethod.EXACT_POSTCODE_TOLERANT, "address matches exactly; postcode 1 character(s) different",
    )  # fmt: skip
    assert exact("12 High Street", None) == (
        1, MatchMethod.EXACT_POSTCODE_TOLERANT, "address matches exactly; postcode missing",
    )  # fmt: skip
    assert exact("7 Church Road", None) is None  # two UPRNs read the same: not exact
    assert exact("12 High Street, Westfield", "YQ1 1AD") is None  # the record's area disagrees
    assert exact("12 High Street", "ZZ9 9ZZ") is None  # beyond the postcode tolerance


def test_postcode_block_path(gaz: PreparedGazetteer) -> None:
    t = MatchThresholds()

    def block(address: str, postcode: str) -> tuple | None:
        return decide_postcode_block(
            gaz, normalise_address(address, gaz.areas), normalise_postcode(postcode), t
        )

    assert block("20 Staton Rd", "YQ2 4EE") == (
        9,
        "postcode and numbers agree, words agree allowing for typing slips",
    )
    assert block("21 Station Road", "YQ2 4EE") is None  # no address with that number
    assert block("20 Mill Lane", "YQ2 4EE") is None  # the street disagrees


def test_thresholds_are_checked_and_round_trip() -> None:
    t = MatchThresholds(
        auto_match_weight=4.5, auto_distinguishability=1.0, postcode_tolerance=2, candidates=5
    )
    assert MatchThresholds.from_json(t.to_json()) == t
    with pytest.raises(BadThresholds, match="postcode tolerance 9 is out of range"):
        MatchThresholds(postcode_tolerance=9)
    with pytest.raises(BadThresholds, match="auto distinguishability -1 is negative"):
        MatchThresholds(auto_distinguishability=-1)
