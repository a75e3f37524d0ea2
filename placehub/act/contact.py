"""Contact times for publishing: when each person on a purpose's worklists was first assigned to a partner and
first reached, by ward.

For counts only (``placehub.publish`` turns them into "contacted within N days by ward" under disclosure
control): the frame carries no member id, pseudonym or case reference, just the ward and two times, and the
read is audited as an aggregate one (``act.contact_times``). It comes from act's own tables
(``cohort_members``, ``cohort_assignments``, the purpose's outcomes) and the gazetteer ward of the member's
UPRN; it never reads ``records``. A partner worker is refused (rule ``role``): the figures span every
partner's cases.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import select

from placehub.act.outcomes import outcomes_by_pseudonym, refuse, utc
from placehub.act.outcomes_vocab import SUCCESSFUL
from placehub.act.vault_tables import ensure_act_tables
from placehub.govern import Access, AuditEvent, Role, append
from placehub.store.models_act import CohortBuild

COLUMNS = ("area", "assigned_at", "contacted_at")


def _cohorts(access: Access) -> list[str]:
    """The cohorts built under the access's purpose (a definition never built has no members)."""
    with access.catalogue.session() as s:
        found = s.scalars(select(CohortBuild.cohort).where(CohortBuild.purpose == access.purpose)).all()
    return sorted(set(found))


def contact_times(access: Access) -> pd.DataFrame:
    """One row per member ever assigned in a cohort of the access's purpose: ``area`` (ward code),
    ``assigned_at`` (first assignment) and ``contacted_at`` (first successful contact since inclusion; NaT
    when never reached). Times are UTC."""
    if access.user.role is Role.PARTNER_WORKER:
        raise refuse(
            access, "act.contact_times", "role", "contact times across partners are for the council team.", {}
        )
    cohorts = _cohorts(access)
    history = outcomes_by_pseudonym(access.catalogue, access.purpose)
    with access.vault.connect() as con:
        ensure_act_tables(con)
        # The ward where the member lives now per the gazetteer; the ward recorded at the build otherwise.
        ward = "m.ward"
        join = ""
        if access.vault.has_table(con, "gazetteer"):
            ward = "coalesce(g.ward, m.ward)"
            join = (
                "left join (select cast(uprn as varchar) uprn, any_value(ward) ward from gazetteer "
                "group by 1) g on g.uprn = m.uprn"
            )
        rows = con.execute(
            f"select {ward}, m.pseudonym, m.first_included_at, min(a.assigned_at) "  # noqa: S608 (fixed SQL)
            "from cohort_members m join cohort_assignments a "
            "on a.cohort = m.cohort and a.member_id = m.member_id "
            f"{join} where m.cohort in (select unnest(?)) "
            "group by all order by 1, 4, 2",
            [cohorts],
        ).fetchall()
    areas: list[str | None] = []
    assigned: list[datetime] = []
    contacted: list[datetime | None] = []
    for area, pseudonym, included, first_assigned in rows:
        since = utc(included)
        reached = next(
            (
                t.occurred_at
                for t in history.get(pseudonym, [])
                if t.fact.status in SUCCESSFUL and t.occurred_at >= since
            ),
            None,
        )
        areas.append(area)
        assigned.append(utc(first_assigned))
        contacted.append(reached)
    frame = pd.DataFrame(
        {
            "area": pd.Series(areas, dtype="object"),
            "assigned_at": pd.to_datetime(pd.Series(assigned, dtype="object"), utc=True),
            "contacted_at": pd.to_datetime(pd.Series(contacted, dtype="object"), utc=True),
        },
        columns=list(COLUMNS),
    )
    append(
        access.catalogue,
        AuditEvent(
            "act.contact_times",
            access.user.username,
            "allowed",
            organisation=access.organisation,
            purpose=access.purpose,
            dataset=",".join(f"cohort:{c}" for c in cohorts),
            columns=list(COLUMNS),
            row_count=len(frame),
            detail={"cohorts": cohorts, "use": "aggregate"},
        ),
    )
    return frame
