"""Accuracy floors on a sample of the Merthyr Tydfil dev set (real council gazetteer, labelled messy copies).

The floors are the figures measured on this sample when the rules were last tuned (docs/matching.md), rounded
down; the full-set figures come from bench/match_accuracy.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from placehub.match import MatchStatus, MatchThresholds, RecordAddress, match_addresses, prepared_gazetteer

SAMPLE = 2000


@pytest.mark.slow
def test_merthyr_sample_precision_recall_review(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "address"
    with (folder / "merthyr_messy_dev.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for _, r in zip(range(SAMPLE), csv.DictReader(f), strict=False)]
    con = duckdb.connect()
    gazetteer = con.read_csv(str(folder / "merthyr_tydfil_gazetteer.csv"), all_varchar=True)
    prepared, reused = prepared_gazetteer(con, gazetteer.select("uprn, address, postcode"), tmp_path)
    assert reused is False
    decisions = match_addresses(
        con, prepared, [RecordAddress(r["id"], r["address"], r["postcode"]) for r in rows], MatchThresholds()
    )
    truth = {r["id"]: r["true_uprn"] for r in rows}
    auto = [d for d in decisions if d.status is MatchStatus.AUTO]
    correct = sum(d.uprn == truth[d.record_id] for d in auto)
    review = sum(d.status is MatchStatus.REVIEW for d in decisions)
    assert len(decisions) == SAMPLE
    assert correct / len(auto) >= 0.999  # precision of auto-accepted (measured 1,990 of 1,991)
    assert correct / SAMPLE >= 0.994  # recall over all records (measured 0.995)
    assert review / SAMPLE <= 0.01  # measured 0.0035
