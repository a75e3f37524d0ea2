"""Decisions kept beside the prepared gazetteer are read back exactly, per thresholds."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from placehub.match.decision import Candidate, MatchDecision
from placehub.match.memo import memo_for
from placehub.match.thresholds import MatchMethod, MatchStatus, MatchThresholds


def test_memo_round_trip_and_thresholds_keep_memos_apart(tmp_path: Path) -> None:
    decision = MatchDecision(
        "", "10 HIGHSTREET", "YQ1 1AA", "100000000001", MatchMethod.UK_ADDRESS_MATCHER, 12.5,
        MatchStatus.REVIEW,
        "uk_address_matcher splink; runner-up only 1.0 behind (needs 2)",
        (Candidate("100000000001", "10 HIGH STREET", "YQ1 1AA", 12.5),
         Candidate("100000000002", "12 HIGH STREET", "YQ1 1AA", 11.5)),
    )  # fmt: skip
    key = ("10 High St", "yq1 1aa")
    memo = memo_for(tmp_path, MatchThresholds())
    assert memo.get(key) is None
    memo.put(key, decision)
    memo.save()
    back = memo_for(tmp_path, MatchThresholds()).get(key)
    assert back == dataclasses.replace(decision, candidates=())
    assert back.candidate_list() == decision.candidates
    assert back.candidates_json() == decision.candidates_json()
    assert memo_for(tmp_path, MatchThresholds(auto_distinguishability=1.0)).get(key) is None
