"""Outcomes: what a partner worker found when they tried to reach a cohort member, recorded through an Access.

A partner worker may record (and read) outcomes only for members assigned to their organisation; anything else
is refused (rule ``not_assigned``) and the refusal is audited. Outcomes are kept in the catalogue under the
purpose's pseudonym of the member (never the link person id in clear), and the member's state in the vault
moves on at once: a successful contact leaves "not yet contacted"; a death leaves the cohort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
from sqlalchemy import Select, func, select

from placehub.act import work_facts
from placehub.act.evaluate import OutcomeFact
from placehub.act.members import assigned_organisation, find_member
from placehub.act.outcomes_vocab import SUCCESSFUL, Need, Status
from placehub.act.rules import load_definition
from placehub.act.session import audit_cohort
from placehub.act.vault_tables import CONTACTED, LEFT, OPEN, connection, ensure_act_tables
from placehub.errors import NotFound, NotPermitted, PlacehubUserError
from placehub.govern import Access, AuditEvent, Role, append
from placehub.settings import Settings
from placehub.store import Catalogue
from placehub.store.models_act import Outcome
from placehub.store.vault import OnDemand


class InvalidOutcome(PlacehubUserError):
    """An outcome that uses words placehub does not know."""


@dataclass(frozen=True)
class OutcomeRow:
    id: int
    cohort: str
    case_ref: str
    organisation: str
    recorded_by: str
    status: str
    needs: tuple[str, ...]
    note: str
    occurred_at: datetime


def utc(dt: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def parse_status(value: str) -> Status:
    try:
        return Status(value.strip().lower().replace(" ", "_"))
    except ValueError:
        raise InvalidOutcome(
            f"'{value}' is not an outcome; choose one of: {', '.join(s.value for s in Status)}."
        ) from None


def parse_needs(values: Sequence[str]) -> tuple[str, ...]:
    bad = [v for v in values if v.strip().lower() not in {n.value for n in Need}]
    if bad:
        raise InvalidOutcome(
            f"Unknown need(s): {', '.join(bad)}; choose from: {', '.join(n.value for n in Need)}."
        )
    return tuple(dict.fromkeys(v.strip().lower() for v in values))


def refuse(access: Access, action: str, rule: str, message: str, detail: dict[str, Any]) -> NotPermitted:
    """Audit a refused act request and return the error to raise."""
    append(
        access.catalogue,
        AuditEvent(
            action,
            access.user.username,
            "denied",
            organisation=access.organisation,
            purpose=access.purpose,
            rule=rule,
            detail=detail,
        ),
    )
    return NotPermitted(
        f"Refused (rule: {rule}) for {access.user.username} at {access.organisation}, purpose "
        f"{access.purpose}: {message}"
    )


def require_purpose(access: Access, cohort_purpose: str, action: str, cohort: str) -> None:
    if access.purpose != cohort_purpose:
        raise refuse(
            access,
            action,
            "purpose_mismatch",
            f"cohort '{cohort}' serves the purpose '{cohort_purpose}'; open an access for that purpose.",
            {"cohort": cohort},
        )


def record_outcome(
    settings: Settings,
    access: Access,
    cohort: str,
    case_ref: str,
    status: str,
    *,
    needs: Sequence[str] = (),
    note: str = "",
    occurred_at: datetime | None = None,
    now: datetime | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> OutcomeRow:
    """Record one outcome for a member the access's organisation works (analysts: any member)."""
    definition = load_definition(settings, cohort)
    require_purpose(access, definition.purpose, "act.outcome.record", cohort)
    st = parse_status(status)
    need_list = parse_needs(needs)
    if need_list and st not in (Status.NEED_IDENTIFIED, Status.REFERRED):
        raise InvalidOutcome("Needs go with 'need_identified' or 'referred' outcomes only.")
    now = utc(now or datetime.now(UTC))
    when = utc(occurred_at) if occurred_at else now
    with connection(access.vault, con) as con:
        ensure_act_tables(con)
        member = find_member(con, cohort, case_ref)
        holder = assigned_organisation(con, cohort, member.member_id) if member else None
        if access.user.role is Role.PARTNER_WORKER and (member is None or holder != access.organisation):
            raise refuse(
                access,
                "act.outcome.record",
                "not_assigned",
                f"case {case_ref} of cohort '{cohort}' is not assigned to {access.organisation}.",
                {"cohort": cohort},
            )
        if member is None:
            raise NotFound(
                f"No case {case_ref} in cohort '{cohort}' (give the case reference from a worklist)."
            )
        with access.catalogue.session() as s:
            row = Outcome(
                cohort=cohort,
                purpose=access.purpose,
                pseudonym=member.pseudonym,
                organisation=access.organisation,
                recorded_by=access.user.username,
                status=st.value,
                needs=list(need_list),
                note=note,
                occurred_at=when,
                recorded_at=now,
            )
            s.add(row)
            s.flush()
            outcome_id = row.id
        # the same reason the next build gives: the rule of the definition that a death fails
        died_rule = next((f.rule for f in definition.conditions if f.kind == "not_deceased"), "deceased")
        new_state = None
        if st is Status.DECEASED and member.state != LEFT:
            new_state = LEFT
        elif st in SUCCESSFUL and member.state == OPEN:
            new_state = CONTACTED
        if new_state:
            con.execute(
                "update cohort_members set state = ?, left_reason = ?, updated_at = ? "
                "where cohort = ? and member_id = ?",
                [
                    new_state,
                    died_rule if st is Status.DECEASED else None,
                    now.replace(tzinfo=None),
                    cohort,
                    member.member_id,
                ],
            )
    audit_cohort(
        access, "act.outcome.record", "done", cohort, 1, detail={"outcome": outcome_id, "status": st.value}
    )
    return OutcomeRow(
        outcome_id, cohort, member.case_ref, access.organisation, access.user.username, st.value,
        need_list, note, when,
    )  # fmt: skip


def held_pseudonyms(
    access: Access, cohort: str, con: duckdb.DuckDBPyConnection | None = None
) -> frozenset[str]:
    """Pseudonyms of the cohort's members whose open assignment is to the access's organisation.

    Read-only, once per vault state (``act.work_facts``): over the caller's connection, else a read-only one
    opened only when needed; no vault or no act tables yet (no cohort has been built) means nobody is held.
    Never creates a table.
    """
    if con is None:
        if not access.vault.path.exists():
            return frozenset()
        with OnDemand(lambda: access.vault.connect(read_only=True)) as own:
            return work_facts.held_pseudonyms(access.vault.path, own, cohort, access.organisation)  # type: ignore[arg-type]
    return work_facts.held_pseudonyms(access.vault.path, con, cohort, access.organisation)


def read_outcomes(
    settings: Settings,
    access: Access,
    cohort: str,
    *,
    latest: int | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[OutcomeRow]:
    """Outcomes the access may see: a partner worker's own organisation's, for members it works now; oldest
    first, or with ``latest`` only the newest ``latest`` of them, newest first (``count_outcomes``: how many).

    Reads the vault only for a partner worker (which members its organisation holds), read-only: over ``con``
    when given, else a read-only connection of its own.
    """
    held = _reader_scope(settings, access, cohort, con)
    # plain rows, not ORM objects: a partner's page reads every outcome its organisation has recorded
    q = _scoped(
        access,
        select(
            Outcome.id, Outcome.cohort, Outcome.pseudonym, Outcome.organisation, Outcome.recorded_by,
            Outcome.status, Outcome.needs, Outcome.note, Outcome.occurred_at,
        ).where(Outcome.cohort == cohort),
    )  # fmt: skip
    if latest is None:
        q = q.order_by(Outcome.occurred_at, Outcome.id)
    else:
        q = q.order_by(Outcome.occurred_at.desc(), Outcome.id.desc())
    out: list[OutcomeRow] = []
    with access.catalogue.engine.connect() as c:  # a plain read: no ORM session to set up and tear down
        for oid, coh, p, org, by, status, needs, note, at in c.execute(q):  # streamed: ``latest`` stops early
            if held is None or p in held:
                out.append(OutcomeRow(oid, coh, p[:12], org, by, status, tuple(needs or ()), note, utc(at)))
                if latest is not None and len(out) >= latest:
                    break
    audit_cohort(access, "act.outcome.read", "allowed", cohort, len(out))
    return out


def count_outcomes(
    settings: Settings, access: Access, cohort: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> int:
    """How many outcomes ``read_outcomes`` would show the access (a count: no one's outcome is read)."""
    held = _reader_scope(settings, access, cohort, con)
    q = _scoped(
        access,
        select(Outcome.pseudonym, func.count()).where(Outcome.cohort == cohort).group_by(Outcome.pseudonym),
    )
    with access.catalogue.engine.connect() as c:
        return sum(n for p, n in c.execute(q) if held is None or p in held)


def _reader_scope(
    settings: Settings, access: Access, cohort: str, con: duckdb.DuckDBPyConnection | None
) -> frozenset[str] | None:
    """The pseudonyms whose outcomes the access may see (None: all the cohort's), after the purpose check."""
    definition = load_definition(settings, cohort)
    require_purpose(access, definition.purpose, "act.outcome.read", cohort)
    return held_pseudonyms(access, cohort, con) if access.user.role is Role.PARTNER_WORKER else None


def _scoped(access: Access, q: Select) -> Select:
    """A partner worker reads only what their own organisation recorded."""
    if access.user.role is Role.PARTNER_WORKER:
        return q.where(Outcome.organisation == access.organisation)
    return q


@dataclass(frozen=True)
class TimedOutcome:
    fact: OutcomeFact
    organisation: str
    occurred_at: datetime


def outcomes_by_pseudonym(catalogue: Catalogue, purpose: str) -> dict[str, list[TimedOutcome]]:
    """Every outcome of a purpose, by member pseudonym, oldest first (for builds, escalation, coverage)."""
    with catalogue.session() as s:
        rows = s.scalars(
            select(Outcome).where(Outcome.purpose == purpose).order_by(Outcome.occurred_at, Outcome.id)
        ).all()
        out: dict[str, list[TimedOutcome]] = {}
        for o in rows:
            out.setdefault(o.pseudonym, []).append(
                TimedOutcome(OutcomeFact(o.status, tuple(o.needs or ())), o.organisation, utc(o.occurred_at))
            )
    return out
