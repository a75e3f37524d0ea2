"""Decisions already made against this gazetteer load, kept so a repeat load does not redo them.

A decision depends only on the address and postcode as recorded, the prepared gazetteer and the thresholds, so
it is kept beside the prepared gazetteer (which sits beside the vault), per thresholds and per version of the
rules. A person's remembered
decision and the supplied-UPRN check are applied on top, every time; they are never taken from here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from placehub.match.decision import MatchDecision
from placehub.match.thresholds import MatchMethod, MatchStatus, MatchThresholds

#: Bump whenever a decision rule changes: older memos are then ignored.
RULES_VERSION = "2026-11-25.4"

MemoKey = tuple[str, str]  # the address and postcode exactly as recorded


@dataclass
class DecisionMemo:
    path: Path
    decisions: dict[MemoKey, MatchDecision] = field(default_factory=dict)
    added: int = 0

    def get(self, key: MemoKey) -> MatchDecision | None:
        return self.decisions.get(key)

    def put(self, key: MemoKey, decision: MatchDecision) -> None:
        if key not in self.decisions:
            self.decisions[key] = decision
            self.added += 1

    def save(self) -> None:
        if not self.added:
            return
        items = list(self.decisions.items())
        table = pa.table(
            {
                "raw_address": [k[0] for k, _ in items],
                "raw_postcode": [k[1] for k, _ in items],
                "postcode": [d.postcode for _, d in items],
                "address_key": [d.address_key for _, d in items],
                "uprn": [d.uprn for _, d in items],
                "method": [d.method.value for _, d in items],
                "score": pa.array([d.score for _, d in items], pa.float64()),
                "status": [d.status.value for _, d in items],
                "reason": [d.reason for _, d in items],
                "candidates": [d.candidates_json() for _, d in items],
            }
        )
        tmp = self.path.with_suffix(".tmp")
        pq.write_table(table, tmp)
        tmp.replace(self.path)
        self.added = 0


def memo_for(folder: Path, thresholds: MatchThresholds) -> DecisionMemo:
    """The memo kept in a prepared gazetteer's folder for these thresholds (empty when there is none)."""
    digest = hashlib.sha256(f"{RULES_VERSION}|{thresholds.to_json()}".encode()).hexdigest()[:12]
    path = folder / f"decisions-{digest}.parquet"
    memo = DecisionMemo(path)
    if path.is_file():
        t = pq.read_table(path).to_pydict()
        methods = {m.value: m for m in MatchMethod}
        statuses = {s.value: s for s in MatchStatus}
        for i, address in enumerate(t["raw_address"]):
            memo.decisions[(address, t["raw_postcode"][i])] = MatchDecision(
                "", t["address_key"][i], t["postcode"][i], t["uprn"][i], methods[t["method"][i]],
                t["score"][i], statuses[t["status"][i]], t["reason"][i], (),
                candidates_text=t["candidates"][i],
            )  # fmt: skip
    return memo
