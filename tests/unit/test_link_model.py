"""The model is built from the roles present: comparisons, blocking rules and EM blocks."""

from __future__ import annotations

from placehub.link.model import (
    comparisons_for,
    em_blocking_rules,
    place_comparison,
    prediction_blocking_rules,
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
    ]


def test_place_is_one_comparison_with_uprn_first() -> None:
    levels = place_comparison({"uprn", "postcode"}).get_comparison("duckdb").as_dict()["comparison_levels"]
    assert [lv["sql_condition"] for lv in levels] == [
        "(uprn_l is null or uprn_r is null) and (postcode_l is null or postcode_r is null)",
        '"uprn_l" = "uprn_r"',
        '"postcode_l" = "postcode_r"',
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
