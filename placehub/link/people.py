"""Counts about the linked people (no person-level rows: those go through govern's Access)."""

from __future__ import annotations

from dataclasses import dataclass

from placehub.store import Vault


@dataclass(frozen=True)
class PeopleCounts:
    records: int
    people: int
    people_in_several_sources: int
    households: int
    largest_household: int
    people_without_uprn: int


def people_counts(vault: Vault) -> PeopleCounts:
    with vault.connect(read_only=vault.path.exists()) as con:
        if not vault.has_table(con, "persons"):
            return PeopleCounts(0, 0, 0, 0, 0, 0)
        row = con.execute(
            """
            select (select count(*) from person_records), count(*), count(*) filter (where sources > 1),
                   (select count(*) from households), coalesce((select max(size) from households), 0),
                   count(*) filter (where uprn is null)
            from persons
            """
        ).fetchone()
    assert row is not None
    return PeopleCounts(*(int(v) for v in row))
