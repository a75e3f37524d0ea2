"""CLI commands for address matching: ``placehub match``, ``placehub review …``, ``placehub results``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

review_app = typer.Typer(help="Review uncertain address matches; decisions are remembered for the next load.")


def match(
    source: str = typer.Argument(..., help="the source whose current records to match"),
    auto_threshold: float = typer.Option(
        None, "--auto-threshold", help="minimum uk_address_matcher match weight to auto-accept (default 0)"
    ),
    auto_gap: float = typer.Option(
        None, "--auto-gap", help="minimum match-weight gap to the runner-up UPRN to auto-accept (default 2)"
    ),
    postcode_tolerance: int = typer.Option(
        None, "--postcode-tolerance", help="most character edits between postcodes to auto-accept (default 3)"
    ),
) -> None:
    """Match a source's addresses to UPRNs; the uncertain go to the review queue."""
    from rich.progress import BarColumn, Progress, TextColumn

    from placehub.cli import _common, console, err_console
    from placehub.match import MatchThresholds, match_source

    given = {"auto_match_weight": auto_threshold, "auto_distinguishability": auto_gap,
             "postcode_tolerance": postcode_tolerance}  # fmt: skip
    thresholds = MatchThresholds(**{k: v for k, v in given.items() if v is not None})
    s = _common.settings()
    with Progress(TextColumn("{task.description}"), BarColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("Matching addresses", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"Matching addresses: {step}", completed=done, total=total)

        result = match_source(s, source, thresholds, progress)
    t = Table(show_header=False, title=f"Match run {result.run_id}: {source}", title_justify="left")
    t.add_row("records", f"{result.records:,}")
    t.add_row("auto-accepted", f"{result.auto:,} ({result.auto_share:.1%})")
    t.add_row("for review", f"{result.review:,} ({result.review_share:.1%})")
    t.add_row("reviewed (remembered)", f"{result.reviewed:,}")
    t.add_row("unmatched", f"{result.unmatched:,}")
    t.add_row("gazetteer", "prepared earlier, reused" if result.gazetteer_reused else "prepared now")
    t.add_row(
        "time", f"{result.seconds:.1f} s ({result.records / max(result.seconds, 1e-9):,.0f} addresses/s)"
    )
    console.print(t)


@review_app.command("list")
def review_list(source: str = typer.Option(None, help="only this source")) -> None:
    """Records waiting for a person, with the suggested UPRN and why they were set aside."""
    from placehub.cli import _common, console
    from placehub.match import list_review

    items = list_review(_common.settings(), source)
    if not items:
        console.print("Nothing is waiting for review.")
        return
    t = Table("id", "source", "record", "address", "postcode", "suggested UPRN", "why", title="Review queue")
    for i in items:
        t.add_row(str(i.id), i.source, i.record_id, i.address or "", i.postcode or "", i.suggested_uprn or "",
                  i.reason)  # fmt: skip
    console.print(t)


@review_app.command("accept")
def review_accept(
    item_id: int = typer.Argument(..., metavar="ID"),
    uprn: str = typer.Option(None, help="the right UPRN, when it is not the suggested one"),
    note: str = typer.Option(None, help="why (kept with the decision)"),
) -> None:
    """Accept a review item (with its suggested UPRN, or --uprn)."""
    from placehub.cli import _common, console
    from placehub.match import accept

    out = accept(_common.settings(), item_id, uprn, note)
    console.print(
        f"Item {out.item_id}: UPRN {out.uprn} accepted for {out.records_updated} record(s) of {out.source}."
    )


@review_app.command("reject")
def review_reject(
    item_id: int = typer.Argument(..., metavar="ID"),
    note: str = typer.Option(None, help="why (kept with the decision)"),
) -> None:
    """Decide that the item's address has no UPRN in the gazetteer."""
    from placehub.cli import _common, console
    from placehub.match import reject

    out = reject(_common.settings(), item_id, note)
    console.print(f"Item {out.item_id}: no match, for {out.records_updated} record(s) of {out.source}.")


def results(
    source: str = typer.Argument(..., help="the source to export"),
    out: Path = typer.Option(..., "--out", help="file to write: .csv or .parquet"),
) -> None:
    """Export a source's records with UPRN, status and gazetteer attributes (LSOA, ward, classification)."""
    from placehub.cli import _common, console
    from placehub.match import export_results

    n = export_results(_common.settings(), source, out)
    console.print(f"Wrote {n:,} rows to {out}.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("match")(match)
    app.command("results")(results)
    app.add_typer(review_app, name="review")
