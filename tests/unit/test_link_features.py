"""Nicknames, NHS number check and the feature frame the model compares."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from placehub.link.features import build_features, nhs_number_valid_sql, present_columns
from placehub.link.nicknames import canonical_first_name, nickname_map


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Bill", "WILLIAM"),
        ("billy", "WILLIAM"),
        (" Will ", "WILLIAM"),
        ("WILLIAM", "WILLIAM"),
        ("Peggy", "MARGARET"),
        ("Maggie", "MARGARET"),
        ("Bob", "ROBERT"),
        ("Liz", "ELIZABETH"),
        ("Zebedee", "ZEBEDEE"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_first_name(name: str | None, canonical: str | None) -> None:
    assert canonical_first_name(name) == canonical


def test_canonical_names_map_to_themselves() -> None:
    mapping = nickname_map()
    assert mapping["MARGARET"] == "MARGARET"
    assert mapping["GARY"] == "GARY"  # a canonical name is never folded into another group


@pytest.mark.parametrize(
    ("nhs", "valid"),
    [("9434765919", True), ("9434765918", False), ("943476591", False), ("4010232137", True)],
)
def test_nhs_number_modulus_11(nhs: str, valid: bool) -> None:
    con = duckdb.connect()
    con.execute("create table t as select ? as n", [nhs])
    assert con.execute(f"select {nhs_number_valid_sql('n')} from t").fetchone()[0] is valid  # noqa: S608


def test_feature_frame() -> None:
    frame = pd.DataFrame(
        {
            "unique_id": ["a|1", "a|2", "b|1"],
            "source": ["a", "a", "b"],
            "first_name": [" Bill ", None, "o'neil"],
            "full_name": [None, "Peggy Ann Jones", None],
            "dob": ["1948-01-31", "31/01/1948", "19480231"],
            "nhs_number": ["943 476 5919", "9434765918", None],
            "postcode": ["cf478aa", "CF47 8AA", "sw1a1aa"],
            "phone": ["+44 7700 900123", "01685 123456", "12"],
            "email": [" Bill@Example.ORG", None, None],
            "uprn": ["0010012345", None, "100"],
        }
    )
    con = duckdb.connect()
    con.register("f", frame)
    build_features(con, "f")
    rows = con.execute(
        "select unique_id, first_name, first_name_canon, surname, dob, nhs_number, postcode, phone, email, "
        "uprn "
        "from link_features order by unique_id"
    ).fetchall()
    assert rows == [
        (
            "a|1",
            "BILL",
            "WILLIAM",
            None,
            "1948-01-31",
            "9434765919",
            "CF47 8AA",
            "07700900123",
            "bill@example.org",
            "10012345",
        ),
        ("a|2", "PEGGY", "MARGARET", "JONES", "1948-01-31", None, "CF47 8AA", "01685123456", None, None),
        ("b|1", "O'NEIL", "O'NEIL", None, "1948-02-31", None, "SW1A 1AA", None, None, "100"),
    ]
    assert present_columns(con) == {
        "first_name",
        "first_name_canon",
        "surname",
        "dob",
        "nhs_number",
        "postcode",
        "phone",
        "email",
        "uprn",
    }


def test_shared_identifier_in_capitals_without_spaces_or_punctuation() -> None:
    frame = pd.DataFrame(
        {
            "unique_id": ["a|1", "b|1", "b|2"],
            "source": ["a", "b", "b"],
            "shared_id": ["qq 12 34 56 c", "QQ-123456-C", " "],
        }
    )
    con = duckdb.connect()
    con.register("f", frame)
    build_features(con, "f")
    got = con.execute("select unique_id, shared_id from link_features order by unique_id").fetchall()
    assert got == [("a|1", "QQ123456C"), ("b|1", "QQ123456C"), ("b|2", None)]
    assert present_columns(con) == {"shared_id"}


@pytest.mark.parametrize(
    ("full_name", "first_name", "surname"),
    [
        ("MRS RACHEL ALLEN", "RACHEL", "ALLEN"),
        ("Mr. Jack  Bailey", "JACK", "BAILEY"),
        ("ALLEN, RACHEL", "RACHEL", "ALLEN"),
        ("Wilson, Mrs Safah", "SAFAH", "WILSON"),
        ("Peggy Ann Jones", "PEGGY", "JONES"),
        ("Missy Jones", "MISSY", "JONES"),  # a name that starts like a title is kept
        ("Dr Jones", "JONES", None),
    ],
)
def test_full_name_without_title_and_turned_round(
    full_name: str, first_name: str, surname: str | None
) -> None:
    frame = pd.DataFrame({"unique_id": ["a|1"], "source": ["a"], "full_name": [full_name]})
    con = duckdb.connect()
    con.register("f", frame)
    build_features(con, "f")
    assert con.execute("select first_name, surname from link_features").fetchone() == (first_name, surname)
