"""Delete a purpose's act data when retention says so (for ``placehub.govern.retention`` to call).

A purpose's cohorts are those any build recorded under it; their members, assignment history and record-level
grants go from the vault, and the purpose's outcomes and builds from the catalogue. Counts only are returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from placehub.act.vault_tables import ensure_act_tables
from placehub.store import Catalogue, Vault
from placehub.store.models_act import CohortBuild, Outcome


@dataclass(frozen=True)
class Deleted:
    cohort_members: int
    cohort_assignments: int
    assignments: int
    outcomes: int
    builds: int


def delete_purpose(catalogue: Catalogue, vault: Vault, purpose: str) -> Deleted:
    with catalogue.session() as s:
        cohorts = sorted(
            set(s.scalars(select(CohortBuild.cohort).where(CohortBuild.purpose == purpose)).all())
        )
    with vault.connect() as con:
        ensure_act_tables(con)
        counts = []
        for table, where, params in (
            ("cohort_members", "cohort in (select unnest(?))", [cohorts]),
            ("cohort_assignments", "cohort in (select unnest(?))", [cohorts]),
            ("assignments", "purpose = ?", [purpose]),
        ):
            n = con.execute(f"select count(*) from {table} where {where}", params).fetchone()[0]  # noqa: S608
            con.execute(f"delete from {table} where {where}", params)  # noqa: S608 (fixed names)
            counts.append(int(n))
    with catalogue.session() as s:
        outcomes = s.execute(delete(Outcome).where(Outcome.purpose == purpose)).rowcount
        builds = s.execute(delete(CohortBuild).where(CohortBuild.purpose == purpose)).rowcount
    return Deleted(counts[0], counts[1], counts[2], int(outcomes or 0), int(builds or 0))
