"""match_source on a small vault, the review queue, remembered decisions on the next load, results export."""

from __future__ import annotations

import csv
import dataclasses
import json

import duckdb
import pytest

from placehub.match import (
    MatchThresholds,
    accept,
    export_results,
    list_review,
    match_source,
    reject,
)
from placehub.match.errors import NothingToMatch, ReviewItemNotFound, UnknownUprn
from placehub.settings import Settings
from tests.integration._match_helpers import add_load, make_vault, matches

FIRST_LOAD = [
    ("r1", "1 High St, Ashcombe", "YQ1 1AA", None),
    ("r2", "2 high street fairwater", "yq11aa", None),
    ("r3", "Flat 3, 5 High Street, Ashcombe", "YQ1 1AB", None),
    ("r4", "Rose Cottage, Mill Ln", "YQ1 2BB", None),
    ("r5", "13 Mill Lane, Fairwater", "YQ1 2BB", None),
    ("r6", "9 Church Road, Westfield", "YQ2 3CC", "100000000011"),
    ("r7", "7 Church Road", "YQ2 3CC", "999999999999"),
    ("r8", "3 Station Road, Westfield", "YQ2 4DD", "100000000013"),
]


@pytest.fixture
def home(settings: Settings, catalogue_url: str) -> Settings:
    """A placehub home whose catalogue is SQLite or PostgreSQL, with a small gazetteer and one load."""
    s = dataclasses.replace(settings, database_url=catalogue_url)
    make_vault(s)
    add_load(s, "shielded", 1, FIRST_LOAD)
    return s


def test_match_review_and_remembered_on_the_next_load(home: Settings) -> None:
    result = match_source(home, "shielded", MatchThresholds())
    assert (result.records, result.auto, result.review, result.reviewed, result.unmatched) == (8, 4, 4, 0, 0)
    assert result.gazetteer_reused is False
    assert result.auto_share == 0.5
    assert matches(home, "shielded") == [
        ("r1", "100000000001", "exact", "auto"),
        ("r2", "100000000002", "exact", "auto"),
        ("r3", "100000000003", "uk_address_matcher", "review"),
        ("r4", "100000000007", "exact", "auto"),
        ("r5", "100000000007", "uk_address_matcher", "review"),
        ("r6", "100000000011", "supplied-uprn-checked", "auto"),
        ("r7", "100000000010", "exact", "review"),
        ("r8", "100000000014", "exact", "review"),
    ]

    items = {i.record_id: i for i in list_review(home, "shielded")}
    assert sorted(items) == ["r3", "r5", "r7", "r8"]
    assert items["r7"].reason.startswith("supplied UPRN 999999999999 is not in the gazetteer")
    assert items["r8"].reason == "supplied UPRN 100000000013 disagrees with the address match 100000000014"
    assert items["r3"].address == "Flat 3, 5 High Street, Ashcombe"
    assert "house number disagrees (5 in the record, 3 in the candidate)" in items["r3"].reason
    assert [c["uprn"] for c in items["r8"].candidates] == ["100000000013", "100000000014"]

    with pytest.raises(UnknownUprn, match="UPRN 123 is not in the gazetteer"):
        accept(home, items["r5"].id, uprn="123")
    out = accept(home, items["r5"].id, uprn="100000000009", note="14, typed as 13")
    assert (out.uprn, out.records_updated) == ("100000000009", 1)
    assert reject(home, items["r3"].id).uprn is None
    with pytest.raises(ReviewItemNotFound, match=f"Review item {items['r3'].id} is already rejected"):
        reject(home, items["r3"].id)
    assert sorted(i.record_id for i in list_review(home)) == ["r7", "r8"]
    assert matches(home, "shielded")[2:5] == [
        ("r3", None, "reviewed", "reviewed"),
        ("r4", "100000000007", "exact", "auto"),
        ("r5", "100000000009", "reviewed", "reviewed"),
    ]

    # The next delivery of the same source: the people decided these addresses once, for good.
    add_load(
        home,
        "shielded",
        2,
        [
            ("s1", "13 MILL LANE, FAIRWATER", "YQ1 2BB", None),
            ("s2", "flat 3, 5 high street, ashcombe", "YQ1 1AB", None),
            ("s3", "3 Station Rd", "YQ2 4DD", None),
        ],
    )
    again = match_source(home, "shielded")
    assert (again.records, again.auto, again.review, again.reviewed, again.unmatched) == (3, 1, 0, 2, 0)
    assert again.gazetteer_reused is True
    assert matches(home, "shielded") == [
        ("s1", "100000000009", "remembered", "reviewed"),
        ("s2", None, "remembered", "reviewed"),
        ("s3", "100000000014", "exact", "auto"),
    ]
    # The first run's open items point at superseded matches.
    assert list_review(home, "shielded") == []


def test_thresholds_are_stored_with_the_run(home: Settings) -> None:
    from placehub.store import open_catalogue
    from placehub.store.models_match import MatchRun

    thresholds = MatchThresholds(auto_match_weight=5.0, auto_distinguishability=3.0, postcode_tolerance=1)
    match_source(home, "shielded", thresholds)
    cat = open_catalogue(home.database_url)
    try:
        with cat.session() as s:
            run = s.query(MatchRun).one()
            assert json.loads(run.thresholds_json) == {
                "auto_distinguishability": 3.0,
                "auto_match_weight": 5.0,
                "candidates": 3,
                "postcode_tolerance": 1,
            }
            assert (run.source, run.load_id, run.records, run.gazetteer_key) == ("shielded", 1, 8, "load1")
    finally:
        cat.dispose()


def test_results_joined_to_gazetteer_attributes(home: Settings, tmp_path) -> None:
    match_source(home, "shielded")
    n = export_results(home, "shielded", tmp_path / "out.csv")
    assert n == 8
    with (tmp_path / "out.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    # no governed access: no address or postcode (person-level) in the file
    assert reader.fieldnames == [
        "source", "load_id", "record_id", "status", "method", "score", "uprn", "classification", "lsoa",
        "msoa", "ward", "x", "y",
    ]  # fmt: skip
    assert [
        (r["record_id"], r["uprn"], r["status"], r["lsoa"], r["ward"], r["classification"]) for r in rows
    ] == [
        ("r1", "100000000001", "auto", "E01000001", "E05000001", "RD04"),
        ("r2", "100000000002", "auto", "E01000001", "E05000001", "RD04"),
        ("r3", "", "review", "", "", ""),
        ("r4", "100000000007", "auto", "E01000002", "E05000001", "RD02"),
        ("r5", "", "review", "", "", ""),
        ("r6", "100000000011", "auto", "E01000003", "E05000002", "RD04"),
        ("r7", "", "review", "", "", ""),
        ("r8", "", "review", "", "", ""),
    ]
    assert export_results(home, "shielded", tmp_path / "out.parquet") == 8
    parquet = duckdb.read_parquet(str(tmp_path / "out.parquet"))
    assert "address" not in parquet.columns and "postcode" not in parquet.columns
    got = parquet.select("record_id, uprn, x, y").order("1")
    assert got.limit(2).fetchall() == [
        ("r1", "100000000001", 100.0, 200.0),
        ("r2", "100000000002", 101.0, 201.0),
    ]


def test_clear_errors(settings: Settings) -> None:
    with pytest.raises(NothingToMatch, match="The vault is empty"):
        match_source(settings, "shielded")
    make_vault(settings)
    with pytest.raises(NothingToMatch, match="Source 'shielded' has no current records"):
        match_source(settings, "shielded")
