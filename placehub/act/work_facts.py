"""Which cohort members an organisation works, remembered per vault state (see ``store.memo``).

A worklist page and its outcomes ask the act tables the same two questions on every view: the open members
assigned to the organisation (pseudonyms, record ids, wards, priorities) and the pseudonyms it holds. Neither
answer names anyone — residents' details come only through ``Access.rows`` — and both change only when the
vault does (a build, an assignment, an outcome recorded), so they are read once per vault state.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from placehub.act.members import WorkRow, assigned_members
from placehub.store.memo import VaultMemo

ACT_TABLES = ("cohort_members", "cohort_assignments")

_FACTS = VaultMemo(64)
READS = frozenset(ACT_TABLES)  # recording an outcome changes cohort_members: these are read afresh after it


def act_tables_exist(con: duckdb.DuckDBPyConnection) -> bool:
    """Have the act tables been created (a cohort built)? One catalog query, on any connection."""
    row = con.execute(
        "select count(distinct table_name) from information_schema.tables where table_name in (?, ?)",
        list(ACT_TABLES),
    ).fetchone()
    return bool(row and row[0] == len(ACT_TABLES))


def work_rows(
    vault: Path, con: duckdb.DuckDBPyConnection, cohort: str, organisation: str, state: str
) -> tuple[WorkRow, ...]:
    """Members in ``state`` whose open assignment is to ``organisation``, highest priority first (none before
    any cohort is built). ``con`` is used only when the vault has changed since the last answer."""

    def read() -> tuple[WorkRow, ...]:
        if not act_tables_exist(con):
            return ()
        return tuple(assigned_members(con, cohort, organisation, state))

    return _FACTS.get(vault, ("work_rows", cohort, organisation, state), read, tables=READS)


def held_pseudonyms(
    vault: Path, con: duckdb.DuckDBPyConnection, cohort: str, organisation: str
) -> frozenset[str]:
    """Pseudonyms of the cohort's members whose open assignment is to ``organisation`` (any state)."""

    def read() -> frozenset[str]:
        if not act_tables_exist(con):
            return frozenset()
        rows = con.execute(
            "select distinct m.pseudonym from cohort_members m join cohort_assignments a "
            "on a.cohort = m.cohort and a.member_id = m.member_id "
            "where m.cohort = ? and a.organisation = ? and a.ended_at is null",
            [cohort, organisation],
        ).fetchall()
        return frozenset(p for (p,) in rows)

    return _FACTS.get(vault, ("held", cohort, organisation), read, tables=READS)
