"""``placehub cohort build NAME``: apply a cohort definition to the linked people, by a council analyst.

The builder's ``Access`` (an analyst of a recipient organisation, under the cohort's purpose) reads every
source row the rules need, so the agreement, its geography and the objections register decide what a cohort
can see, and each read is audited. People are grouped into members (a person, or a household for household
cohorts), each condition and priority factor is applied (``evaluate``), and ``cohort_members`` is updated:
new members come in ``open``; a member reached moves to ``contacted``; one who no longer qualifies ``left``
(with the rule that says why). Everyone ever included stays, so coverage counts them all.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from placehub.act.evaluate import Member, evaluate
from placehub.act.inputs import RECORD_ID, Place, person_of_record, places, require_link_tables, source_rows
from placehub.act.outcomes import outcomes_by_pseudonym, refuse, require_purpose, utc
from placehub.act.rules import CohortDefinition, load_definition
from placehub.act.vault_tables import CONTACTED, LEFT, OPEN, ensure_act_tables
from placehub.govern import Access, AuditEvent, Role, append
from placehub.govern.pseudonyms import pseudonymise_all
from placehub.settings import Settings
from placehub.store.models_act import CohortBuild


@dataclass(frozen=True)
class BuildResult:
    cohort: str
    version: int
    build_id: int
    population: int  # members considered (after the access path's scope and objections)
    open: int
    contacted: int
    left: int
    new: int
    excluded: dict[str, int] = field(default_factory=dict)  # members failing each condition now
    unlinked_records: int = 0  # population rows with no person id from linkage


ALONE = "person:"  # a household cohort's member id for a person with no known household


def _members(
    d: CohortDefinition, access: Access, con: duckdb.DuckDBPyConnection, settings: Settings
) -> tuple[dict[str, Member], int, dict[str, Place]]:
    """Members of the population with what the rules need; (members, unlinked rows, member → place)."""
    vault = access.vault
    require_link_tables(vault, con)
    population = source_rows(access, con, settings, d.population_source, d.population_columns())
    person_of = person_of_record(con, d.population_source)
    place = places(vault, con)
    household_of = {pid: p.household_id for pid, p in place.items() if p.household_id}
    members: dict[str, Member] = {}
    where: dict[str, Place] = {}
    unlinked = 0
    columns = d.population_columns()
    for row in population.to_dict("records"):
        pid = person_of.get(row[RECORD_ID])
        if pid is None:
            unlinked += 1
            continue
        mid = pid if d.unit == "person" else (household_of.get(pid) or ALONE + pid)
        m = members.setdefault(mid, Member(mid))
        m.records.append(row[RECORD_ID])
        m.rows.append({c: row.get(c) for c in columns})
        p = place.get(pid)
        if p is not None:
            where.setdefault(mid, p)
            m.household_size = p.household_size if m.household_size is None else m.household_size
            m.classification = m.classification or p.classification
    # The other sources the rules name: which members have a linked record there (households: any member).
    persons_in_household: dict[str, list[str]] = {}
    for pid, hh in household_of.items():
        persons_in_household.setdefault(hh, []).append(pid)
    for source in [s for s in d.sources() if s not in (d.population_source, d.worklist_source)]:
        rows = source_rows(access, con, settings, source, [])
        src_person = person_of_record(con, source)
        present = {src_person[r] for r in rows[RECORD_ID] if r in src_person}
        for mid, m in members.items():
            if d.unit == "person":
                people = [mid]
            elif mid.startswith(ALONE):
                people = [mid.removeprefix(ALONE)]
            else:
                people = persons_in_household.get(mid, [])
            if any(p in present for p in people):
                m.in_sources.add(source)
    return members, unlinked, where


def build_cohort(
    settings: Settings, access: Access, name: str, *, now: datetime | None = None
) -> BuildResult:
    """Build (or rebuild) cohort ``name`` as the access's analyst; returns counts, never people."""
    d = load_definition(settings, name)
    require_purpose(access, d.purpose, "act.cohort.build", name)
    if access.user.role is Role.PARTNER_WORKER:
        raise refuse(
            access,
            "act.cohort.build",
            "role",
            "a partner worker sees only the people assigned to them; a council analyst builds cohorts.",
            {"cohort": name},
        )
    now = utc(now or datetime.now(UTC))
    stamp = now.replace(tzinfo=None)
    with access.vault.connect() as con:
        ensure_act_tables(con)
        members, unlinked, where_of = _members(d, access, con, settings)
        ids = sorted(members)
        pseudonyms = dict(zip(ids, pseudonymise_all(access.keys_dir, d.purpose, list(ids)), strict=True))
        outcomes = outcomes_by_pseudonym(access.catalogue, d.purpose)
        previous = {
            r[0]: (r[1], r[2])
            for r in con.execute(
                "select member_id, state, first_included_at from cohort_members where cohort = ?", [name]
            ).fetchall()
        }
        rows, excluded, new = [], Counter(), 0
        for mid in ids:
            m = members[mid]
            m.outcomes = [t.fact for t in outcomes.get(pseudonyms[mid], []) if t.occurred_at <= now]
            ev = evaluate(d, m, now.date())
            excluded.update(ev.failed)
            before = previous.get(mid)
            if ev.passes:
                state, why = OPEN, None
            elif ev.contacted:
                state, why = CONTACTED, None
            else:
                state, why = LEFT, ev.failed[0]
            if before is None and state != OPEN:
                continue  # never in the cohort: nothing to keep
            if before is None:
                new += 1
            where = where_of.get(mid)
            rows.append(
                {
                    "cohort": name,
                    "member_id": mid,
                    "pseudonym": pseudonyms[mid],
                    "unit": d.unit,
                    "household_id": where.household_id if where else None,
                    "uprn": where.uprn if where else None,
                    "ward": where.ward if where else None,
                    "lsoa": where.lsoa if where else None,
                    "priority": ev.priority,
                    "reasons": json.dumps(ev.reasons, default=str),
                    "records": json.dumps(sorted(m.records)),
                    "state": state,
                    "left_reason": why,
                    "first_included_at": before[1] if before else stamp,
                    "updated_at": stamp,
                }
            )
        # Members no longer in the population (taken off the list, objected, moved out of the area) leave.
        gone = [k for k, (state, _) in previous.items() if k not in members and state == OPEN]
        counts = Counter(r["state"] for r in rows)
        with access.catalogue.session() as s:
            build = CohortBuild(
                cohort=name,
                version=d.version,
                definition_sha256=d.sha256,
                definition=d.text,
                purpose=d.purpose,
                agreement=access.agreement.ref,
                built_by=access.user.username,
                organisation=access.organisation,
                built_at=now,
                population=len(members),
                open_members=counts[OPEN],
                counts={"excluded": dict(excluded), "unlinked_records": unlinked, "gone": len(gone)},
            )
            s.add(build)
            s.flush()
            build_id = build.id
        frame = pd.DataFrame(rows, columns=[
            "cohort", "member_id", "pseudonym", "unit", "household_id", "uprn", "ward", "lsoa", "priority",
            "reasons", "records", "state", "left_reason", "first_included_at", "updated_at",
        ])  # fmt: skip
        frame["last_build_id"] = build_id
        con.begin()
        try:
            con.execute("delete from cohort_members where cohort = ? and member_id in (select unnest(?))",
                        [name, list(frame["member_id"])])  # fmt: skip
            con.register("act_members_frame", frame)
            con.execute(
                "insert into cohort_members (cohort, member_id, pseudonym, unit, household_id, uprn, ward, "
                "lsoa, priority, reasons, records, state, left_reason, first_included_at, last_build_id, "
                "updated_at) select cohort, member_id, pseudonym, unit, household_id, uprn, ward, lsoa, "
                "priority, reasons, records, state, left_reason, first_included_at, last_build_id, "
                "updated_at "
                "from act_members_frame"
            )
            con.unregister("act_members_frame")
            if gone:
                con.execute(
                    "update cohort_members set state = ?, left_reason = 'no-longer-in-population', "
                    "updated_at = ?, last_build_id = ? where cohort = ? and member_id in (select unnest(?))",
                    [LEFT, stamp, build_id, name, gone],
                )
            con.commit()
        except Exception:
            con.rollback()
            raise
    left = counts[LEFT] + len(gone)
    append(
        access.catalogue,
        AuditEvent(
            "act.cohort.build",
            access.user.username,
            "done",
            organisation=access.organisation,
            purpose=d.purpose,
            dataset=f"cohort:{name}",
            row_count=counts[OPEN],
            detail={
                "cohort": name,
                "version": d.version,
                "sha256": d.sha256,
                "build": build_id,
                "population": len(members),
                "open": counts[OPEN],
                "contacted": counts[CONTACTED],
                "left": left,
                "excluded": dict(excluded),
            },
        ),
    )
    return BuildResult(
        name, d.version, build_id, len(members), counts[OPEN], counts[CONTACTED], left, new, dict(excluded),
        unlinked,
    )  # fmt: skip
