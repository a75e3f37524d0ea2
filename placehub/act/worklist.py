"""Worklists for a partner, explanations of a member's inclusion, and their audited exports.

A worklist is the open members assigned to the access's organisation, with the cohort's agreed columns read
through ``access.rows`` (so a partner worker gets only their assigned records and only the agreed fields),
highest priority first. A household cohort gives one line per household (a device per household, not per
child). Reasons are shown only where every source they rest on is shared with the reader's organisation.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from placehub.act.evaluate import GAZETTEER, LINKAGE, OUTCOMES
from placehub.act.inputs import RECORD_ID, record_id_column, source_rows
from placehub.act.members import MemberRow, WorkRow, assigned_organisation, find_member
from placehub.act.outcomes import refuse, require_purpose, utc
from placehub.act.rules import CohortDefinition, available_cohorts, load_definition
from placehub.act.session import audit_cohort
from placehub.act.vault_tables import OPEN, ensure_act_tables
from placehub.act.work_facts import work_rows
from placehub.errors import NotFound, PlacehubUserError
from placehub.govern import Access, Role
from placehub.publish.spreadsheet import write_csv, write_xlsx
from placehub.settings import Settings
from placehub.store.vault import OnDemand


class BadExport(PlacehubUserError):
    pass


@dataclass(frozen=True)
class Worklist:
    cohort: str
    purpose: str
    organisation: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    # beside the agreed columns (so exports and the header stay as agreed): each row's ward, from the
    # gazetteer ward of the member's UPRN (a place, not a person), and the wards on the whole list
    wards: tuple[str | None, ...] = ()
    ward_choices: tuple[str, ...] = ()
    total: int = 0  # lines on the whole list (``rows`` may be a window of them)


def visible(access: Access, sources: list[str]) -> bool:
    """May the access see a reason resting on ``sources``? Outcomes: anyone under the purpose; what linkage
    and the gazetteer derived: analysts only (a partner worker gets no more than the agreed fields)."""
    for s in sources:
        if s == OUTCOMES:
            continue
        if s in (LINKAGE, GAZETTEER):
            if access.user.role is Role.PARTNER_WORKER:
                return False
            continue
        terms = access.agreement.dataset(s)
        if terms is None or access.organisation not in terms.recipients:
            return False
    return True


def reason_lines(access: Access, reasons: dict[str, Any]) -> tuple[list[str], int]:
    """Plain-English lines of why a member is in, and how many were withheld from this reader."""
    lines, hidden = [], 0
    pop = reasons["population"]
    if visible(access, pop["sources"]):
        lines.append(f"included: {pop['says']} [{pop['rule']}; {', '.join(pop['sources'])}]")
    else:
        hidden += 1
    for c in reasons["conditions"]:
        if visible(access, c["sources"]):
            mark = "holds" if c["held"] else "FAILS"
            lines.append(f"condition {mark}: {c['says']} [{c['rule']}; {', '.join(c['sources'])}]")
        else:
            hidden += 1
    for p in reasons["priority"]:
        if visible(access, p["sources"]):
            lines.append(f"priority +{p['points']:g}: {p['says']} [{p['rule']}; {', '.join(p['sources'])}]")
        else:
            hidden += 1
    return lines, hidden


def cohorts_for(settings: Settings, purpose: str, cohort: str | None) -> list[CohortDefinition]:
    if cohort:
        return [load_definition(settings, cohort)]
    found = [
        d for d in (load_definition(settings, n) for n in available_cohorts(settings)) if d.purpose == purpose
    ]
    if not found:
        raise NotFound(f"No cohort definition serves the purpose '{purpose}'.")
    return found


def _rows_by_id(frame: pd.DataFrame, wanted: list[str]) -> dict[str, dict[str, Any]]:
    """The ``wanted`` records' rows as dicts of plain Python values, by normalised record id: only the rows a
    worklist shows are converted (column by column: several times faster than ``to_dict("records")``)."""
    position = {rid: i for i, rid in enumerate(frame[RECORD_ID].tolist())}
    chosen = sorted({position[r] for r in wanted if r in position})
    part = frame.iloc[chosen]
    names = list(part.columns)
    columns = [part[c].tolist() for c in names]
    rows = (dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True))
    return {r[RECORD_ID]: r for r in rows}


def _shown(v: Any) -> bool:
    """Not blank: None, "" and NaN (whose text is "nan") are not shown."""
    if v is None:
        return False
    if isinstance(v, float):
        return not math.isnan(v)
    if isinstance(v, date):  # dates and timestamps (NaT is not one) always have text
        return True
    text = str(v)
    return text != "" and text != "nan"


def _iso(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def _cell(values: list[Any]) -> Any:
    if len(values) == 1:  # one record per member: most cells
        return _iso(values[0]) if _shown(values[0]) else ""
    distinct = list(dict.fromkeys(v for v in values if _shown(v)))
    if len(distinct) == 1:
        return _iso(distinct[0])
    return "; ".join(str(_iso(v)) for v in distinct)


def _priority_why(access: Access, m: WorkRow) -> str:
    """The visible priority reasons in plain words (what ``reason_lines`` would show, without the rule)."""
    return "; ".join(p["says"].split(" [")[0] for p in m.priority_reasons if visible(access, p["sources"]))


@contextlib.contextmanager
def read_connection(
    access: Access, con: duckdb.DuckDBPyConnection | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The caller's connection, else a read-only one opened only if a read is not remembered: reading a
    worklist never writes the vault (the act tables are created when a cohort is built), so readers need not
    queue behind writers."""
    if con is not None:
        yield con
        return
    with OnDemand(lambda: access.vault.connect(read_only=access.vault.path.exists())) as own:
        yield own  # type: ignore[misc]


def worklist(
    settings: Settings,
    access: Access,
    cohort: str,
    *,
    ward: str | None = None,
    window: slice | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Worklist:
    """The open members assigned to the access's organisation, with the agreed columns only; ``ward`` (a
    ward code) keeps only those living in that ward. ``window`` (e.g. ``slice(50, 100)``) formats only those
    lines of the list (a page of it); ``total`` still counts them all."""
    d = load_definition(settings, cohort)
    require_purpose(access, d.purpose, "act.worklist", cohort)
    rid = record_id_column(settings, d.worklist_source)
    with read_connection(access, con) as con:
        mine = work_rows(access.vault.path, con, cohort, access.organisation, OPEN)
        frame = source_rows(access, con, settings, d.worklist_source, list(d.worklist_columns), rid=rid)
    shared = set(frame[RECORD_ID].tolist())
    columns = [rid, *[c for c in d.worklist_columns if c != rid]]
    household = d.unit == "household"
    header = (
        ["case_ref", "priority", "waiting_since", "why"] + (["people_on_list"] if household else []) + columns
    )
    listed, choices = [], set()
    for m in mine:
        if not any(r in shared for r in m.records):
            continue  # its records are no longer shared (out of scope, objection): never shown
        if m.ward:
            choices.add(m.ward)
        if ward and m.ward != ward:
            continue
        listed.append(m)
    shown = listed[window] if window is not None else listed
    by_record = _rows_by_id(frame, [r for m in shown for r in m.records])
    rows = []
    for m in shown:
        recs = [by_record[r] for r in m.records if r in by_record]
        rows.append(
            (m.case_ref, m.priority, m.first_included_at.date().isoformat(), _priority_why(access, m))
            + ((len(recs),) if household else ())
            + tuple(_cell([r.get(c) for r in recs]) for c in columns)
        )
    return Worklist(cohort, d.purpose, access.organisation, tuple(header), tuple(rows),
                    tuple(m.ward for m in shown), tuple(sorted(choices)), total=len(listed))  # fmt: skip


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    sha256: str


def export_worklist(
    settings: Settings, access: Access, cohort: str, out: Path | None = None, *, now: datetime | None = None
) -> ExportResult:
    """Write the worklist as .csv or .xlsx (formula-safe) and record the export in the audit chain."""
    now = utc(now or datetime.now(UTC))
    if out is None:
        out = (
            settings.exports_dir
            / access.purpose
            / f"worklist-{cohort}-{access.organisation}-{now:%Y%m%d}.csv"
        )
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BadExport(f"Cannot write '{out.name}': name the file .csv or .xlsx.")
    wl = worklist(settings, access, cohort)
    if suffix == ".csv":
        n = write_csv(out, wl.header, wl.rows)
    else:
        n = write_xlsx(out, wl.header, wl.rows, sheet="Worklist")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    audit_cohort(
        access,
        "act.worklist.export",
        "done",
        cohort,
        n,
        columns=list(wl.header),
        fingerprint=digest,
        detail={"format": suffix.lstrip("."), "file": out.name},
    )
    return ExportResult(out, n, digest)


@dataclass(frozen=True)
class Explanation:
    cohort: str
    case_ref: str
    state: str
    priority: float
    lines: tuple[str, ...]
    withheld: int  # reasons resting on sources this reader's organisation does not receive


def explain(settings: Settings, access: Access, cohort: str, ref: str) -> Explanation:
    """Why one member is in the cohort (which rule, which sources), for a reader allowed to see them."""
    d = load_definition(settings, cohort)
    require_purpose(access, d.purpose, "act.explain", cohort)
    with access.vault.connect() as con:
        ensure_act_tables(con)
        m: MemberRow | None = find_member(con, cohort, ref)
        holder = assigned_organisation(con, cohort, m.member_id) if m else None
    if access.user.role is Role.PARTNER_WORKER and (m is None or holder != access.organisation):
        raise refuse(
            access, "act.explain", "not_assigned", f"case {ref} is not assigned to {access.organisation}.",
            {"cohort": cohort},
        )  # fmt: skip
    if m is None:
        raise NotFound(f"No case {ref} in cohort '{cohort}' (give the case reference from a worklist).")
    lines, hidden = reason_lines(access, m.reasons)
    audit_cohort(
        access,
        "act.explain",
        "allowed",
        cohort,
        1,
        fingerprint=hashlib.sha256(json.dumps([cohort, m.pseudonym]).encode()).hexdigest(),
        detail={"withheld": hidden},
    )
    return Explanation(cohort, m.case_ref, m.state, m.priority, tuple(lines), hidden)
