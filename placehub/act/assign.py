"""Assign cohort members to partner services by area and capacity; reassign one by hand.

A service can take a member when it is active, works under the cohort's purpose, its organisation is a
recipient of the worklist source under the agreement (with every worklist column), and one of its service
areas is the member's ward or LSOA. Members are placed highest priority first (then longest waiting, then
id), each to the covering service with the lowest load as a share of its capacity (ties: organisation, then
service id), so the result is balanced and the same on every run. A service at capacity takes no more; a
member nobody covers, or whom no one has room for, stays unassigned and shows on the escalation list. The
govern ``assignments`` table gets one row per record of the member, which is what lets that partner's
workers see them through the access path, and nothing else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from placehub.act.inputs import record_id_column
from placehub.act.members import current_assignments, find_member, members
from placehub.act.oruk import Service
from placehub.act.outcomes import refuse, require_purpose, utc
from placehub.act.rules import CohortDefinition, load_definition
from placehub.act.services import services
from placehub.act.vault_tables import CONTACTED, LEFT, OPEN, ensure_act_tables
from placehub.errors import NotFound, PlacehubUserError
from placehub.govern import Access, AuditEvent, Role, append
from placehub.settings import Settings


@dataclass(frozen=True)
class AssignResult:
    cohort: str
    assigned: int  # newly assigned this run
    kept: int  # already assigned and still eligible
    no_cover: int  # open members in an area no eligible service covers
    no_capacity: int  # covered, but every covering service is full
    released: int  # assignments ended (member left the cohort, or the service is no longer eligible)
    by_organisation: dict[str, int] = field(default_factory=dict)  # open members held per organisation
    ineligible: dict[str, list[str]] = field(default_factory=dict)  # organisation → why it cannot take any


def eligible(
    settings: Settings, access: Access, d: CohortDefinition
) -> tuple[list[Service], dict[str, list[str]]]:
    """Services that may take this cohort's members, and the organisations refused with the reason."""
    wanted = [record_id_column(settings, d.worklist_source), *d.worklist_columns]
    ok, refused = [], {}
    for s in services(access.catalogue):
        if s.status != "active" or d.purpose not in s.purposes:
            continue
        missing = access.agreement.missing_items(s.organisation, d.worklist_source, wanted)
        if not access.agreement.is_recipient(s.organisation):
            refused[s.organisation] = [f"not a recipient party of agreement {access.agreement.ref}"]
        elif missing:
            refused[s.organisation] = [
                f"agreement {access.agreement.ref} does not share {m}" for m in missing
            ]
        else:
            ok.append(s)
    return sorted(ok, key=lambda s: (s.organisation, s.id)), refused


def _grant(
    con: duckdb.DuckDBPyConnection, purpose: str, org: str, source: str, records: tuple[str, ...]
) -> None:
    for rid in records:
        con.execute(
            "insert into assignments (purpose, organisation, source, record_id) select ?, ?, ?, ? "
            "where not exists (select 1 from assignments where purpose = ? and organisation = ? "
            "and source = ? and record_id = ?)",
            [purpose, org, source, rid, purpose, org, source, rid],
        )


def _revoke(
    con: duckdb.DuckDBPyConnection, purpose: str, org: str, source: str, records: tuple[str, ...]
) -> None:
    if records:
        con.execute(
            "delete from assignments where purpose = ? and organisation = ? and source = ? "
            "and record_id in (select unnest(?))",
            [purpose, org, source, list(records)],
        )


def _require_analyst(access: Access, action: str, cohort: str) -> None:
    if access.user.role is Role.PARTNER_WORKER:
        raise refuse(
            access, action, "role", "only a council analyst assigns cohort members.", {"cohort": cohort}
        )


def assign_cohort(
    settings: Settings, access: Access, name: str, *, now: datetime | None = None
) -> AssignResult:
    """Assign every open, unassigned member of cohort ``name`` (and release what should be released)."""
    d = load_definition(settings, name)
    require_purpose(access, d.purpose, "act.assign", name)
    _require_analyst(access, "act.assign", name)
    stamp = utc(now or datetime.now(UTC)).replace(tzinfo=None)
    ok, refused = eligible(settings, access, d)
    by_id = {s.id: s for s in ok}
    with access.vault.connect() as con:
        ensure_act_tables(con)
        everyone = {m.member_id: m for m in members(con, name)}
        current = current_assignments(con, name)
        load: Counter[str] = Counter()
        released = kept = 0
        con.begin()
        try:
            for mid, (org, sid) in current.items():
                m = everyone.get(mid)
                still = m is not None and m.state in (OPEN, CONTACTED) and sid in by_id
                if not still:
                    why = "member left the cohort" if m is None or m.state == LEFT else "service not eligible"
                    con.execute(
                        "update cohort_assignments set ended_at = ?, reason = ? "
                        "where cohort = ? and member_id = ? and ended_at is null",
                        [stamp, why, name, mid],
                    )
                    _revoke(con, d.purpose, org, d.worklist_source, m.records if m else ())
                    released += 1
                elif m is not None and m.state == OPEN:
                    load[sid] += 1
                    kept += 1
            held = {mid for mid, (_, sid) in current.items() if sid in by_id and mid in everyone}
            no_cover = no_capacity = assigned = 0
            for m in members(con, name, OPEN):
                if m.member_id in held:
                    continue
                covering = [s for s in ok if any(a.code in (m.ward, m.lsoa) for a in s.areas)]
                if not covering:
                    no_cover += 1
                    continue
                room = [s for s in covering if load[s.id] < s.capacity]
                if not room:
                    no_capacity += 1
                    continue
                best = min(room, key=lambda s: (load[s.id] / s.capacity, load[s.id], s.organisation, s.id))
                load[best.id] += 1
                assigned += 1
                con.execute(
                    "insert into cohort_assignments values (?, ?, ?, ?, ?, null, ?, ?)",
                    [
                        name,
                        m.member_id,
                        best.organisation,
                        best.id,
                        stamp,
                        access.user.username,
                        "by area and capacity",
                    ],
                )
                _grant(con, d.purpose, best.organisation, d.worklist_source, m.records)
            con.commit()
        except Exception:
            con.rollback()
            raise
        per_org = Counter(
            org for mid, (org, _) in current_assignments(con, name).items() if everyone[mid].state == OPEN
        )
    result = AssignResult(
        name, assigned, kept, no_cover, no_capacity, released, dict(sorted(per_org.items())), refused
    )
    append(
        access.catalogue,
        AuditEvent(
            "act.assign",
            access.user.username,
            "done",
            organisation=access.organisation,
            purpose=d.purpose,
            dataset=f"cohort:{name}",
            row_count=assigned,
            detail={
                "cohort": name, "assigned": assigned, "kept": kept, "no_cover": no_cover,
                "no_capacity": no_capacity, "released": released, "by_organisation": result.by_organisation,
            },
        ),
    )  # fmt: skip
    return result


class CannotReassign(PlacehubUserError):
    pass


def reassign(
    settings: Settings,
    access: Access,
    name: str,
    case_ref: str,
    organisation: str,
    *,
    reason: str = "reassigned by hand",
    now: datetime | None = None,
) -> str:
    """Move one member to ``organisation`` (one of its eligible services; a covering one if any)."""
    d = load_definition(settings, name)
    require_purpose(access, d.purpose, "act.reassign", name)
    _require_analyst(access, "act.reassign", name)
    stamp = utc(now or datetime.now(UTC)).replace(tzinfo=None)
    ok, refused = eligible(settings, access, d)
    options = [s for s in ok if s.organisation == organisation]
    if not options:
        why = "; ".join(refused.get(organisation, [f"it has no active service for the purpose {d.purpose}"]))
        raise CannotReassign(f"Cannot assign to '{organisation}': {why}.")
    with access.vault.connect() as con:
        ensure_act_tables(con)
        m = find_member(con, name, case_ref)
        if m is None or m.state == LEFT:
            raise NotFound(f"No open case {case_ref} in cohort '{name}'.")
        service = next((s for s in options if any(a.code in (m.ward, m.lsoa) for a in s.areas)), options[0])
        current = current_assignments(con, name).get(m.member_id)
        con.begin()
        try:
            if current is not None:
                con.execute(
                    "update cohort_assignments set ended_at = ?, reason = ? "
                    "where cohort = ? and member_id = ? and ended_at is null",
                    [stamp, f"reassigned to {organisation}: {reason}", name, m.member_id],
                )
                _revoke(con, d.purpose, current[0], d.worklist_source, m.records)
            con.execute(
                "insert into cohort_assignments values (?, ?, ?, ?, ?, null, ?, ?)",
                [name, m.member_id, organisation, service.id, stamp, access.user.username, reason],
            )
            _grant(con, d.purpose, organisation, d.worklist_source, m.records)
            con.commit()
        except Exception:
            con.rollback()
            raise
    append(
        access.catalogue,
        AuditEvent(
            "act.reassign",
            access.user.username,
            "done",
            organisation=access.organisation,
            purpose=d.purpose,
            dataset=f"cohort:{name}",
            row_count=1,
            detail={"cohort": name, "from": current[0] if current else None, "to": organisation},
        ),
    )
    return service.id
