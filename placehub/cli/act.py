"""CLI for act: cohorts, partner services (Open Referral UK), assignment, worklists, outcomes, escalation,
coverage.

Every command acts as ``PLACEHUB_TOKEN``'s holder or ``PLACEHUB_USER`` through the access path
(``placehub.act.session.user_access``); commands parse, call one function and print.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from placehub.cli._common import catalogue, settings

cohort_app = typer.Typer(help="Cohorts: who should be reached, and why.", no_args_is_help=True)
outcome_app = typer.Typer(help="What partners found when they reached out.", no_args_is_help=True)
services_app = typer.Typer(
    help="Partner organisations and services (Open Referral UK JSON).", no_args_is_help=True
)


def _say(*args: object) -> None:
    from placehub.cli import console

    console.print(*args, soft_wrap=True)


def _when(value: str | None) -> datetime | None:
    """An ISO date-time (UTC when no zone is given), or None for now."""
    if value is None:
        return None
    from placehub.errors import PlacehubUserError

    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise PlacehubUserError(f"'{value}' is not a date-time; write it as 2026-11-05T14:30.") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _purpose_of(cohort: str) -> str:
    from placehub.act.rules import load_definition

    return load_definition(settings(), cohort).purpose


@cohort_app.command("list")
def cohort_list() -> None:
    """The cohort definitions: name, version, purpose, unit and the proxies each relies on."""
    from placehub.act.rules import available_cohorts, load_definition

    s = settings()
    table = Table("cohort", "version", "purpose", "unit", "escalate after", "proxies")
    for name in available_cohorts(s):
        d = load_definition(s, name)
        proxies = "; ".join(f"{p.name} → {p.stands_for}" for p in d.proxies) or "none"
        table.add_row(d.name, str(d.version), d.purpose, d.unit, f"{d.escalate_after_days} days", proxies)
    _say(table)


@cohort_app.command("build")
def cohort_build(name: str, at: str | None = typer.Option(None, help="Build as of this time (ISO).")) -> None:
    """Build (or rebuild) a cohort from the linked people, as PLACEHUB_USER (a council analyst)."""
    from placehub.act.build import build_cohort
    from placehub.act.session import user_access

    s = settings()
    cat = catalogue(s)
    result = build_cohort(s, user_access(cat, s, _purpose_of(name)), name, now=_when(at))
    table = Table("", "count", title=f"Cohort {result.cohort} v{result.version} (build {result.build_id})")
    table.add_row("considered", str(result.population))
    table.add_row("open (to be reached)", str(result.open))
    table.add_row("new this build", str(result.new))
    table.add_row("reached", str(result.contacted))
    table.add_row("left", str(result.left))
    for rule, n in sorted(result.excluded.items()):
        table.add_row(f"failing: {rule}", str(n))
    if result.unlinked_records:
        table.add_row("records not yet linked", str(result.unlinked_records))
    _say(table)


@cohort_app.command("explain")
def cohort_explain(
    name: str, person: str = typer.Argument(..., help="Case reference (or person id).")
) -> None:
    """Why one person is in a cohort: each rule and the sources it rests on (audited)."""
    from placehub.act.session import user_access
    from placehub.act.worklist import explain

    s = settings()
    e = explain(s, user_access(catalogue(s), s, _purpose_of(name)), name, person)
    _say(f"Case {e.case_ref} in {e.cohort}: {e.state}, priority {e.priority:g}")
    from placehub.cli import console

    for line in e.lines:
        console.print(f"  {line}", markup=False, soft_wrap=True)  # "[rule; sources]" is text, not markup
    if e.withheld:
        _say(f"  ({e.withheld} reason(s) rest on sources your organisation does not receive)")


@outcome_app.command("record")
def outcome_record(
    cohort: str,
    case: str,
    status: str = typer.Argument(
        ..., help="contacted, need_identified, referred, declined, unreachable, deceased"
    ),
    need: list[str] = typer.Option(
        [], help="A need (repeat): food, medicine, loneliness, digital, money, housing"
    ),
    note: str = typer.Option("", help="A short free-text note."),
    at: str | None = typer.Option(None, help="When it happened (ISO; default now)."),
) -> None:
    """Record an outcome for a case assigned to your organisation."""
    from placehub.act.outcomes import record_outcome
    from placehub.act.session import user_access

    s = settings()
    row = record_outcome(
        s, user_access(catalogue(s), s, _purpose_of(cohort)), cohort, case, status, needs=need, note=note,
        occurred_at=_when(at),
    )  # fmt: skip
    _say(f"Recorded outcome {row.id}: case {row.case_ref} {row.status} at {row.occurred_at:%Y-%m-%d %H:%M}")


@outcome_app.command("list")
def outcome_list(cohort: str) -> None:
    """Outcomes you may see for a cohort (a partner: its own, for the people it works)."""
    from placehub.act.outcomes import read_outcomes
    from placehub.act.session import user_access

    s = settings()
    rows = read_outcomes(s, user_access(catalogue(s), s, _purpose_of(cohort)), cohort)
    table = Table("id", "case", "organisation", "by", "status", "needs", "when", "note")
    for r in rows:
        table.add_row(
            str(r.id), r.case_ref, r.organisation, r.recorded_by, r.status, ", ".join(r.needs),
            f"{r.occurred_at:%Y-%m-%d %H:%M}", escape(r.note),
        )  # fmt: skip
    _say(table)


@services_app.command("import")
def services_import(file: Path) -> None:
    """Import partner organisations and services from Open Referral UK JSON (validated)."""
    from placehub.act.services import import_services

    s = settings()
    r = import_services(s, catalogue(s), file, actor=s.user)
    _say(f"Imported {r.organisations} organisation(s), {r.services} service(s), capacity {r.capacity}.")


@services_app.command("export")
def services_export(file: Path) -> None:
    """Write every partner organisation and service as Open Referral UK JSON (validated)."""
    from placehub.act.services import export_services

    s = settings()
    n = export_services(s, catalogue(s), file, actor=s.user)
    _say(f"Wrote {n} organisation(s) to {file}.")


@services_app.command("list")
def services_list() -> None:
    """Partner services: organisation, purposes, needs, capacity and areas."""
    from placehub.act.services import services

    table = Table("organisation", "service", "status", "purposes", "needs", "capacity", "areas")
    for v in services(catalogue(settings())):
        table.add_row(
            v.organisation, v.name, v.status, ", ".join(v.purposes), ", ".join(v.needs), str(v.capacity),
            ", ".join(a.code for a in v.areas),
        )  # fmt: skip
    _say(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(cohort_app, name="cohort")
    app.add_typer(outcome_app, name="outcome")
    app.add_typer(services_app, name="services")

    @app.command("worklist")
    def worklist_cmd(
        org: str,
        purpose: str | None = typer.Option(None, help="The purpose (default: the cohort's)."),
        cohort: str | None = typer.Option(None, help="The cohort (default: the purpose's cohort)."),
        out: Path | None = typer.Option(None, help="Write to F.csv or F.xlsx (audited)."),
    ) -> None:
        """The people ORG should contact, with the agreed fields only (as PLACEHUB_USER of ORG)."""
        from placehub.act.session import user_access
        from placehub.act.worklist import cohorts_for, export_worklist, worklist

        s = settings()
        cat = catalogue(s)
        if cohort is None and purpose is None:
            from placehub.errors import PlacehubUserError

            raise PlacehubUserError("Name the --cohort or the --purpose whose worklist you want.")
        for d in cohorts_for(s, purpose or _purpose_of(cohort or ""), cohort):
            access = user_access(cat, s, d.purpose, organisation=org)
            if out is not None:
                r = export_worklist(s, access, d.name, out)
                _say(f"Wrote {r.rows} row(s) of {d.name} to {r.path} (sha256 {r.sha256[:12]}…, audited).")
                continue
            wl = worklist(s, access, d.name)
            table = Table(*wl.header, title=f"Worklist {d.name} for {org}")
            for row in wl.rows:
                table.add_row(*["" if v is None else escape(str(v)) for v in row])  # partner text, not markup
            _say(table)

    @app.command("assign")
    def assign_cmd(
        cohort: str,
        case: str | None = typer.Option(None, help="Reassign this one case (with --to)."),
        to: str | None = typer.Option(None, help="The organisation to reassign the case to."),
        reason: str = typer.Option("reassigned by hand", help="Why (kept with the assignment)."),
    ) -> None:
        """Assign open cohort members to partner services by area and capacity, or reassign one case."""
        from placehub.act.assign import assign_cohort, reassign
        from placehub.act.session import user_access

        s = settings()
        access = user_access(catalogue(s), s, _purpose_of(cohort))
        if case or to:
            if not (case and to):
                from placehub.errors import PlacehubUserError

                raise PlacehubUserError("To reassign, give both --case and --to.")
            service = reassign(s, access, cohort, case, to, reason=reason)
            _say(f"Case {case} now with {to} (service {service}).")
            return
        r = assign_cohort(s, access, cohort)
        table = Table("", "count", title=f"Assignment of {cohort}")
        for label, n in (
            ("newly assigned", r.assigned), ("kept", r.kept), ("released", r.released),
            ("no service covers their area", r.no_cover), ("covering services full", r.no_capacity),
        ):  # fmt: skip
            table.add_row(label, str(n))
        for org, n in r.by_organisation.items():
            table.add_row(f"open with {org}", str(n))
        _say(table)
        for org, why in r.ineligible.items():
            _say(f"{org} cannot take cases: {'; '.join(why)}")

    @app.command("escalations")
    def escalations_cmd(
        cohort: list[str] = typer.Option([], help="Cohort(s) (default: all)."),
        at: str | None = typer.Option(None, help="As of this time (ISO; default now)."),
    ) -> None:
        """People still not reached after their cohort's deadline, oldest first (for the council team)."""
        from placehub.act.followup import escalations
        from placehub.act.rules import available_cohorts
        from placehub.act.session import user_access

        s = settings()
        cat = catalogue(s)
        table = Table(
            "cohort", "case", "ward", "with", "waiting since", "days", "priority", "attempts", "last"
        )
        for name in cohort or available_cohorts(s):
            for e in escalations(s, user_access(cat, s, _purpose_of(name)), name, now=_when(at)):
                table.add_row(
                    e.cohort, e.case_ref, e.ward or "", e.organisation, f"{e.included_at:%Y-%m-%d}",
                    f"{e.days_waiting:g}", f"{e.priority:g}", str(e.attempts), e.last_outcome,
                )  # fmt: skip
        _say(table)

    @app.command("coverage")
    def coverage_cmd(
        cohort: list[str] = typer.Option([], help="Cohort(s) (default: all)."),
        at: str | None = typer.Option(None, help="As of this time (ISO; default now)."),
    ) -> None:
        """Share of each cohort reached within 1, 3 and 7 days, median time, unmet needs; by ward, partner."""
        from placehub.act.followup import WINDOWS, coverage
        from placehub.act.rules import available_cohorts

        s = settings()
        cat = catalogue(s)
        for name in cohort or available_cohorts(s):
            rows = coverage(s, cat, name, now=_when(at))
            table = Table("by", "group", "members", "reached", *[f"≤{d}d" for d in WINDOWS], "median days",
                          title=f"Coverage of {name}")  # fmt: skip
            needs = Table("by", "group", "unmet needs", title=f"Unmet needs in {name}")
            for r in rows:
                shares = []
                for d in WINDOWS:
                    hit, of = r.within[d]
                    shares.append("–" if of == 0 else f"{hit / of:.0%} ({hit}/{of})")
                median = "–" if r.median_days is None else f"{r.median_days:.1f}"
                table.add_row(r.by, r.group, str(r.members), str(r.contacted), *shares, median)
                if r.unmet:
                    needs.add_row(r.by, r.group, ", ".join(f"{k} {v}" for k, v in r.unmet.items()))
            _say(table)
            _say(needs)
