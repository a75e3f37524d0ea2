"""The engine on plain DuckDB relations, no vault: one decision row per record."""

from __future__ import annotations

import json

import duckdb

from placehub.match import MatchThresholds, match_relations


def test_match_relations_gives_one_decision_per_record() -> None:
    con = duckdb.connect()
    canonical = con.sql(
        "select * from (values ('101', '1 HIGH STREET, ASHCOMBE', 'YQ1 1AA'), "
        "('102', '2 HIGH STREET, ASHCOMBE', 'YQ1 1AA'), "
        "('103', 'ROSE COTTAGE, MILL LANE, ASHCOMBE', 'YQ1 2BB'), "
        "('104', '4 MILL LANE, ASHCOMBE', 'YQ1 2BB'), ('105', '6 MILL LANE, ASHCOMBE', 'YQ1 2BB')) "
        "t(uprn, address, postcode)"
    )
    records = con.sql(
        "select * from (values ('a', '2 High St', 'YQ1 1AA', null), "
        "('b', 'Rose Cottage, Mill Ln', 'YQ1 2BB', null), "
        "('c', '1 High Street', 'YQ1 1AA', '999')) t(record_id, address, postcode, uprn_supplied)"
    )
    out = match_relations(con, canonical, records, MatchThresholds()).to_pylist()
    assert [(r["record_id"], r["uprn"], r["method"], r["status"]) for r in out] == [
        ("a", "102", "exact", "auto"),
        ("b", "103", "exact", "auto"),
        ("c", "101", "exact", "review"),
    ]
    assert (
        out[2]["reason"]
        == "supplied UPRN 999 is not in the gazetteer; address match: address and postcode match exactly"
    )
    assert json.loads(out[0]["candidates"]) == [
        {"uprn": "102", "address": "2 HIGH STREET, ASHCOMBE", "postcode": "YQ1 1AA", "score": None}
    ]
