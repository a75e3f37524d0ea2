"""The prepared gazetteer is kept on disk with its indexes and in memory, and read back identically."""

from __future__ import annotations

from pathlib import Path

import duckdb

from placehub.match import MatchThresholds, RecordAddress, match_addresses, prepared_gazetteer
from placehub.match.prepared import forget_loaded, load_prepared

ROWS = (
    "('101', 'FLAT A, 23 BADGER ROAD, ASHCOMBE', 'YQ1 1AA'), ('102', 'FLAT B, 23 BADGER ROAD, ASHCOMBE', "
    "'YQ1 1AA'), ('103', '23 BADGER ROAD, ASHCOMBE', 'YQ1 1AA'), ('104', '7 MILL LANE, ASHCOMBE', 'YQ1 2BB')"
)


def test_prepared_gazetteer_is_kept_with_its_indexes(tmp_path: Path) -> None:
    con = duckdb.connect()
    canonical = con.sql(f"select * from (values {ROWS}) t(uprn, address, postcode)")  # noqa: S608
    forget_loaded()
    built, reused = prepared_gazetteer(con, canonical, tmp_path)
    assert reused is False
    assert sorted(p.name for p in built.folder.iterdir()) == [
        "areas.json", "gazetteer_keys.parquet", "indexes.pickle", "uk_address_matcher",
    ]  # fmt: skip
    # Same process: the very same object, nothing read again.
    again, reused = prepared_gazetteer(con, canonical, tmp_path)
    assert reused is True
    assert again is load_prepared(built.folder, built.key)
    # As a new process would: read back from the kept indexes, equal to what was built.
    forget_loaded()
    fresh = load_prepared(built.folder, built.key)
    assert fresh is not built
    assert fresh.folder == built.folder
    assert fresh.by_key_postcode == built.by_key_postcode
    assert fresh.children == built.children
    assert fresh.normalised == built.normalised
    # Without the indexes file it is rebuilt from the keys, and the file written again.
    forget_loaded()
    (built.folder / "indexes.pickle").unlink()
    rebuilt = load_prepared(built.folder, built.key)
    assert rebuilt.by_key == built.by_key
    assert (built.folder / "indexes.pickle").is_file()

    records = [
        RecordAddress("a", "23a Badger Rd, Ashcombe", "YQ1 1AA"),
        RecordAddress("b", "7 Mill Ln, Ashcombe", None),
    ]
    decisions = match_addresses(con, fresh, records, MatchThresholds())
    assert [(d.record_id, d.uprn, d.method.value, d.status.value) for d in decisions] == [
        ("a", "101", "exact", "auto"),
        ("b", "104", "exact-postcode-tolerant", "auto"),
    ]
    assert (
        decisions[0].reason
        == "address and postcode match exactly (flat written as FLAT A 23 BADGERROADASHCOMBE)"
    )
    forget_loaded()
