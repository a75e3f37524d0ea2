"""The model is built from the roles present: comparisons, blocking rules and EM blocks."""

from __future__ import annotations

import duckdb
import pandas as pd

from placehub.link.model import (
    comparisons_for,
    dob_comparison,
    em_blocking_rules,
    first_name_comparison,
    household_phone_share,
    phone_comparison,
    place_comparison,
    prediction_blocking_rules,
    surname_comparison,
)


def _sql(rules: list) -> list[str]:
    return [r if isinstance(r, str) else r.get_blocking_rule("duckdb").blocking_rule_sql for r in rules]


def test_comparisons_follow_the_roles_present() -> None:
    names = [
        c.create_output_column_name() for c in comparisons_for({"first_name", "surname", "dob", "email"})
    ]
    assert names == ["first_name", "surname", "dob", "email"]
    every = {
        "first_name",
        "surname",
        "dob",
        "sex",
        "nhs_number",
        "uprn",
        "postcode",
        "address",
        "phone",
        "email",
        "shared_id",
    }
    assert [c.create_output_column_name() for c in comparisons_for(every)] == [
        "first_name",
        "surname",
        "dob",
        "sex",
        "nhs_number",
        "place",
        "phone",
        "email",
        "shared_id",
    ]


def test_place_is_one_comparison_with_uprn_first() -> None:
    levels = place_comparison({"uprn", "postcode"}).get_comparison("duckdb").as_dict()["comparison_levels"]
    assert [lv["sql_condition"] for lv in levels] == [
        "(uprn_l is null or uprn_r is null) and (postcode_l is null or postcode_r is null)",
        '"uprn_l" = "uprn_r"',
        '"postcode_l" = "postcode_r"',
        'damerau_levenshtein("postcode_l", "postcode_r") <= 1',
        "substr(postcode_l, 1, length(postcode_l) - 2) = substr(postcode_r, 1, length(postcode_r) - 2)",
        "ELSE",
    ]


def test_blocking_rules_for_names_and_dates_only() -> None:
    cols = {"first_name", "first_name_canon", "surname", "dob"}
    assert _sql(prediction_blocking_rules(cols)) == [
        '(l."first_name_canon" = r."first_name_canon") AND (l."surname" = r."surname")',
        '(l."surname" = r."surname") AND (l."dob" = r."dob")',
        '(l."first_name_canon" = r."first_name_canon") AND (l."dob" = r."dob")',
        '(l."dob" = r."dob") AND (SUBSTRING(l.surname, 1, 2) = SUBSTRING(r.surname, 1, 2))',
        "l.first_name = r.surname and l.surname = r.first_name",
        "l.first_name = r.surname and l.dob = r.dob",
        "l.surname = r.first_name and l.dob = r.dob",
    ]
    # On a large input a name alone is too common: the name block also needs the year of birth.
    assert _sql(prediction_blocking_rules(cols, 1_000_000))[0] == (
        '(l."first_name_canon" = r."first_name_canon") AND (l."surname" = r."surname") '
        "AND (SUBSTRING(l.dob, 1, 4) = SUBSTRING(r.dob, 1, 4))"
    )
    assert _sql(em_blocking_rules(cols, 1000)) == [
        '(l."first_name_canon" = r."first_name_canon") AND (l."surname" = r."surname")',
        'l."dob" = r."dob"',
    ]


def test_large_inputs_train_on_blocks_of_strong_keys() -> None:
    """Over 200,000 records a name alone gathers far more strangers than duplicates and EM took "same name"
    for "same person" (1,000,000-record demo set: cluster precision 0.94). Each block joins strong keys; the
    names are estimated in the one block on neither name."""
    cols = {"first_name", "first_name_canon", "surname", "dob", "postcode", "uprn"}
    assert _sql(em_blocking_rules(cols, 1_000_000)) == [
        '(l."dob" = r."dob") AND (l."postcode" = r."postcode")',
        '(l."first_name_canon" = r."first_name_canon") AND (l."surname" = r."surname") '
        'AND (l."dob" = r."dob")',
        '(l."first_name_canon" = r."first_name_canon") AND (l."surname" = r."surname") '
        'AND (l."postcode" = r."postcode")',
    ]
    # without a place the small-input blocks are kept
    assert len(em_blocking_rules(cols - {"postcode", "uprn"}, 1_000_000)) == 2


def _levels(comparison) -> list[dict]:  # type: ignore[no-untyped-def]
    return comparison.get_comparison("duckdb").as_dict()["comparison_levels"]


def test_swapped_and_crossed_over_names_count_once() -> None:
    """The first-name comparison weighs a swap; the surname comparison must not weigh it again (counted
    twice, a swap alone outweighed a different date of birth, address and identifier on FEBRL4)."""
    first = {lv["label_for_charts"]: lv for lv in _levels(first_name_comparison())}
    assert "m_probability" not in first["names swapped"]  # estimated by EM
    assert "one name crossed over" in first
    surname = {lv["label_for_charts"]: lv for lv in _levels(surname_comparison())}
    for label in ("names swapped", "one name crossed over"):
        level = surname[label]
        assert level["m_probability"] == level["u_probability"]  # weight zero
        assert level["fix_m_probability"] and level["fix_u_probability"]


def test_house_number_blocks_catch_a_mistyped_street() -> None:
    sql = _sql(prediction_blocking_rules({"surname", "postcode", "address"}))
    house_number = "(SPLIT_PART(l.address, ' ', 1) = SPLIT_PART(r.address, ' ', 1))"
    assert f'(l."postcode" = r."postcode") AND {house_number}' in sql
    assert f'(l."surname" = r."surname") AND {house_number}' in sql


def test_phone_at_the_same_home_has_the_measured_household_share_as_u() -> None:
    levels = _levels(phone_comparison({"phone", "uprn", "address", "postcode"}, 0.75))
    assert [lv["sql_condition"] for lv in levels][:3] == [
        '"phone_l" IS NULL OR "phone_r" IS NULL',
        "phone_l = phone_r and (uprn_l = uprn_r or address_l = address_r)",
        '"phone_l" = "phone_r"',
    ]
    assert (levels[1]["u_probability"], levels[1]["fix_u_probability"]) == (0.75, True)
    # Not measured (or no home role): the phone is compared on its own, as before.
    without = _levels(phone_comparison({"phone", "uprn"}, None))
    assert [lv["label_for_charts"] for lv in without][1] == "Exact match on phone"
    assert len(_levels(phone_comparison({"phone", "postcode"}, 0.75))) == len(without)


def test_dates_a_generation_apart_have_their_own_level() -> None:
    labels = [lv["label_for_charts"] for lv in _levels(dob_comparison())]
    assert labels[-3:] == ["same year", "five or more years apart", "All other comparisons"]


def _features(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    frame = pd.DataFrame(rows, columns=["unique_id", "first_name_canon", "dob", "uprn", "address", "phone"])
    con.register("f", frame)
    con.execute("create table link_features as select * from f")
    return con


def test_household_phone_share_counts_pairs_that_are_surely_two_people() -> None:
    cols = {"first_name_canon", "dob", "uprn", "address", "phone"}
    rows = []
    for h in range(30):  # parent and child at one UPRN; two households in three share a landline
        child_phone = f"0{h}" if h % 3 else f"9{h}"
        rows += [
            (f"p{h}", "SUSAN", "1960-01-01", f"U{h}", None, f"0{h}"),
            (f"c{h}", "LIAM", "1990-05-05", f"U{h}", None, child_phone),
            # the same parent again, one typo in the name: not two people, not counted
            (f"q{h}", "SUSAM", "1960-01-01", f"U{h}", None, f"0{h}"),
        ]
    # each household: (p, c) and (q, c) measured; 20 of 30 households share the phone
    assert household_phone_share(_features(rows), cols) == 40 / 60
    assert household_phone_share(_features(rows[:27]), cols) is None  # 9 households: 18 pairs, too few
    assert household_phone_share(_features(rows), cols - {"dob"}) is None
