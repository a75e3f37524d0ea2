"""``placehub outbreak``: space-time scans (placehub case files or SaTScan parameter files) and alerts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

outbreak_app = typer.Typer(help="Find street-level outbreaks: space-time scan statistics and alerts.")


@outbreak_app.command("scan")
def scan(
    cases: Path = typer.Option(None, "--cases", help="case CSV: case_id, date, address, postcode[, uprn]"),
    satscan_prm: Path = typer.Option(
        None, "--satscan-prm", help="run a SaTScan parameter file (.prm) instead"
    ),
    gazetteer: Path = typer.Option(
        None, "--gazetteer", help="gazetteer CSV (default: the vault's gazetteer)"
    ),
    first_day: str = typer.Option(None, "--first-day", help="first analysis day (default: the last day)"),
    last_day: str = typer.Option(None, "--last-day", help="last analysis day (default: the last case date)"),
    period_days: int = typer.Option(60, help="days of data each daily scan looks at"),
    radius_km: float = typer.Option(1.0, "--radius-km", help="largest cluster radius"),
    max_days: int = typer.Option(7, "--max-days", help="longest cluster duration in days"),
    nearby_m: float = typer.Option(
        250.0, "--nearby-m", help="list care homes/schools this close to a cluster"
    ),
    alert_p: float = typer.Option(0.01, "--alert-p", help="alert on clusters with p at or below this"),
    replications: int = typer.Option(None, help="Monte Carlo replications (default 999, or the .prm's)"),
    seed: int = typer.Option(None, help="random seed for the replications"),
) -> None:
    """Scan case records day by day (prospective) and store the alerts; or run a SaTScan .prm analysis."""
    from rich.progress import Progress

    from placehub.cli import _common, console, err_console
    from placehub.errors import PlacehubUserError

    if (cases is None) == (satscan_prm is None):
        raise PlacehubUserError("Give exactly one of --cases FILE or --satscan-prm FILE.")
    if satscan_prm is not None:
        from placehub.insight.scan import run_prm

        with err_console.status("Scanning (Monte Carlo replications)…"):
            result = run_prm(satscan_prm, replications=replications, seed=seed)
        console.print(result.report(), highlight=False, soft_wrap=True)
        return
    from placehub.insight import outbreak

    settings = outbreak.OutbreakSettings(
        period_days=period_days,
        max_radius_km=radius_km,
        max_temporal_days=max_days,
        nearby_m=nearby_m,
        alert_p=alert_p,
        replications=999 if replications is None else replications,
        seed=1 if seed is None else seed,
    )
    s = _common.settings()
    gaz = outbreak.load_gazetteer(gazetteer, s.vault_path)
    case_table = outbreak.read_case_file(cases)
    first = dt.date.fromisoformat(first_day) if first_day else None
    last = dt.date.fromisoformat(last_day) if last_day else None
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("Daily scans", total=None)
        run = outbreak.run_outbreak(
            case_table, gaz, settings, first_day=first, last_day=last,
            cache_dir=s.vault_path.parent / "match_prepared",
            progress=lambda day: bar.update(task, advance=1, description=f"Scanned {day}"),
        )  # fmt: skip
    with _common.vault(s).connect() as con:
        outbreak.save_alerts(con, run)
    console.print(
        f"Run {run.run_id}: {len(run.scans)} daily scan(s) of {run.cases_used} placed cases "
        f"({run.cases_unlocated} without a UPRN or coordinates); {len(run.alerts)} alert(s)."
    )
    for day, result in sorted(run.scans.items()):
        top = result.most_likely
        if top is not None:
            console.print(
                f"  {day}: most likely cluster {top.observed} cases, {top.radius * 1000:.0f} m, "
                f"{top.start} to {top.end}, p = {top.p_value:.3f}"
            )
    for a in run.alerts:
        console.print(f"[bold red]ALERT[/] {a.analysis_day}: {a.text()}", highlight=False, soft_wrap=True)


@outbreak_app.command("alerts")
def alerts(
    all_runs: bool = typer.Option(False, "--all", help="every stored run, not just the latest"),
) -> None:
    """The stored outbreak alerts, newest first."""
    from placehub.cli import _common, console
    from placehub.insight import outbreak

    s = _common.settings()
    with _common.vault(s).connect() as con:
        table = outbreak.stored_alerts(con, latest_run_only=not all_runs)
    if table.empty:
        console.print("No outbreak alerts stored.")
        return
    t = Table("day", "rank", "p", "alert", title="Outbreak alerts", title_justify="left")
    for r in table.itertuples(index=False):
        t.add_row(str(r.analysis_day)[:10], str(r.rank), f"{r.p_value:.3f}", r.alert)
    console.print(t)


@outbreak_app.command("demo-cases")
def demo_cases(
    gazetteer: Path = typer.Option(..., "--gazetteer", help="gazetteer CSV, e.g. demo-data/gazetteer.csv"),
    out: Path = typer.Option(Path("outbreak-cases.csv"), "--out", help="case CSV to write"),
    seed: int = typer.Option(1, help="random seed"),
    days: int = typer.Option(60, help="days of cases"),
) -> None:
    """Write synthetic cases with one planted cluster near a care home (truth beside, as JSON)."""
    from placehub.cli import console
    from placehub.demo.outbreak import write_demo_cases
    from placehub.insight import outbreak

    truth = write_demo_cases(outbreak.load_gazetteer(gazetteer, Path()), out, seed=seed, days=days)
    console.print(
        f"Wrote {out}; planted {len(truth.case_ids)} cases within {truth.radius_m:.0f} m of UPRN "
        f"{truth.centre_uprn}, {truth.first_day} to {truth.last_day} "
        f"(truth: {out.with_suffix('.truth.json')})"
    )


def register(app: typer.Typer) -> None:
    """Add ``placehub outbreak …`` to the root app."""
    app.add_typer(outbreak_app, name="outbreak")
