"""Look up cohort members by case reference (the first 12 hex characters of the purpose's pseudonym)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

CASE_REF_LENGTH = 12


@dataclass(frozen=True)
class MemberRow:
    cohort: str
    member_id: str
    pseudonym: str
    state: str
    ward: str | None
    lsoa: str | None
    priority: float
    records: tuple[str, ...]
    reasons: dict[str, Any]
    first_included_at: datetime

    @property
    def case_ref(self) -> str:
        return self.pseudonym[:CASE_REF_LENGTH]


COLUMNS = "cohort, member_id, pseudonym, state, ward, lsoa, priority, records, reasons, first_included_at"


def _row(r: tuple) -> MemberRow:
    return MemberRow(
        r[0], r[1], r[2], r[3], r[4], r[5], float(r[6]), tuple(json.loads(r[7])), json.loads(r[8]), r[9]
    )


def find_member(con: duckdb.DuckDBPyConnection, cohort: str, ref: str) -> MemberRow | None:
    """The member whose case reference (or member id) is ``ref``; None when none or ambiguous."""
    ref = ref.strip()
    rows = con.execute(
        f"select {COLUMNS} from cohort_members where cohort = ? "  # noqa: S608 (fixed columns)
        "and (member_id = ? or (length(?) >= 8 and starts_with(pseudonym, lower(?))))",
        [cohort, ref, ref, ref],
    ).fetchall()
    return _row(rows[0]) if len(rows) == 1 else None


def members(con: duckdb.DuckDBPyConnection, cohort: str, state: str | None = None) -> list[MemberRow]:
    where, params = "cohort = ?", [cohort]
    if state:
        where, params = where + " and state = ?", [cohort, state]
    rows = con.execute(
        f"select {COLUMNS} from cohort_members where {where} "  # noqa: S608 (fixed columns)
        "order by priority desc, first_included_at, member_id",
        params,
    ).fetchall()
    return [_row(r) for r in rows]


@dataclass(frozen=True)
class WorkRow:
    """One line of a partner's worklist as the vault holds it: no JSON left to decode in Python."""

    pseudonym: str
    ward: str | None
    priority: float
    first_included_at: datetime
    records: tuple[str, ...]
    priority_reasons: tuple[dict[str, Any], ...]  # each {"says": ..., "sources": [...]}

    @property
    def case_ref(self) -> str:
        return self.pseudonym[:CASE_REF_LENGTH]


# DuckDB turns the JSON columns into lists and structs itself (one pass in C++), so a worklist of thousands
# of members costs no per-row json.loads; only what the worklist shows is extracted from ``reasons``.
def assigned_members(
    con: duckdb.DuckDBPyConnection, cohort: str, organisation: str, state: str
) -> list[WorkRow]:
    """Members in ``state`` whose open assignment is to ``organisation``, highest priority first."""
    rows = con.execute(
        "select m.pseudonym, m.ward, m.priority, m.first_included_at, "
        "json_transform(m.records, '[\"VARCHAR\"]'), "
        """json_transform(m.reasons, '{"priority": [{"says": "VARCHAR", "sources": ["VARCHAR"]}]}')"""
        ".priority "
        "from cohort_members m where m.cohort = ? and m.state = ? and exists ("
        "select 1 from cohort_assignments a where a.cohort = m.cohort and a.member_id = m.member_id "
        "and a.ended_at is null and a.organisation = ?) "
        "order by m.priority desc, m.first_included_at, m.member_id",
        [cohort, state, organisation],
    ).fetchall()
    return [WorkRow(r[0], r[1], float(r[2]), r[3], tuple(r[4] or ()), tuple(r[5] or ())) for r in rows]


def assigned_organisation(con: duckdb.DuckDBPyConnection, cohort: str, member_id: str) -> str | None:
    row = con.execute(
        "select organisation from cohort_assignments where cohort = ? and member_id = ? and ended_at is null",
        [cohort, member_id],
    ).fetchone()
    return None if row is None else str(row[0])


def current_assignments(con: duckdb.DuckDBPyConnection, cohort: str) -> dict[str, tuple[str, str | None]]:
    """member id → (organisation, service id) of every open assignment."""
    rows = con.execute(
        "select member_id, organisation, service_id from cohort_assignments "
        "where cohort = ? and ended_at is null",
        [cohort],
    ).fetchall()
    return {m: (o, s) for m, o, s in rows}
