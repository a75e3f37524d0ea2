"""CLI commands for address matching: ``placehub match``, ``placehub review …``, ``placehub results``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from placehub.match import ReviewItemView
    from placehub.settings import Settings

WITHHELD = "withheld"  # shown instead of an address the governed access did not return

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
def review_list(
    source: str = typer.Option(None, help="only this source"),
    purpose: str = typer.Option(
        None, help="show the records' addresses under this purpose (checked against the agreement, audited)"
    ),
) -> None:
    """Records waiting for a person, with the suggested UPRN and why they were set aside.

    Addresses are person-level: they are shown only with --purpose, through the agreement and the audit log
    (PLACEHUB_TOKEN's holder or PLACEHUB_USER, as match.review.show).
    """
    from placehub.cli import _common, console
    from placehub.match import list_review

    s = _common.settings()
    items = list_review(s, source)
    if not items:
        console.print("Nothing is waiting for review.")
        return
    if purpose is None:
        t = Table("id", "source", "record", "suggested UPRN", "candidates", "why", title="Review queue")
        for i in items:
            cells = (
                str(i.id),
                i.source,
                i.record_id,
                i.suggested_uprn or "",
                str(len(i.candidates)),
                i.reason,
            )
            t.add_row(*(escape(v) for v in cells))
        console.print(t)
        console.print(
            "Addresses are not shown: --purpose P shows them (checked against the agreement, audited)."
        )
        return
    shown = _governed_addresses(s, purpose, items)
    t = Table("id", "source", "record", "address", "postcode", "suggested UPRN", "candidates", "why",
              title=f"Review queue (addresses under purpose {escape(purpose)})")  # fmt: skip
    for i in items:
        address, postcode = shown.get((i.source, i.record_id), (WITHHELD, None))
        cells = (str(i.id), i.source, i.record_id, address, postcode or "", i.suggested_uprn or "",
                 str(len(i.candidates)), i.reason)  # fmt: skip
        t.add_row(*(escape(v) for v in cells))
    withheld = sum((i.source, i.record_id) not in shown for i in items)
    console.print(t)
    if withheld:
        console.print(
            f"{withheld} address(es) withheld: an objection, or a place outside the agreement's area."
        )


def _governed_addresses(
    settings: Settings, purpose: str, items: list[ReviewItemView]
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(source, record id) → (address, postcode) of the items' records: one governed, audited read per source
    (``match.review.show``); a record the access does not return (objection, out of scope) is absent."""
    from placehub.act.session import user_access
    from placehub.cli import _common
    from placehub.errors import NotFound
    from placehub.match.review import shown_addresses

    by_source: dict[str, list[ReviewItemView]] = {}
    for i in items:
        by_source.setdefault(i.source, []).append(i)
    cat = _common.catalogue(settings)
    try:
        access = user_access(cat, settings, purpose)  # refused (NotPermitted, audited) without an agreement
        out: dict[tuple[str, str], tuple[str, str | None]] = {}
        for src, its in by_source.items():
            try:
                got = shown_addresses(
                    access, settings, src, [i.record_id for i in its], action="match.review.show",
                    context={"review_items": [i.id for i in its]},
                )  # fmt: skip
            except NotFound:  # the source's rows are no longer in the vault: nothing to show
                continue
            out.update(((src, rid), v) for rid, v in got.items())
        return out
    finally:
        cat.dispose()


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
    purpose: str = typer.Option(
        None,
        help="add the records' address and postcode under this purpose (checked against the agreement, "
        "audited)",
    ),
) -> None:
    """Export a source's records with UPRN, status and gazetteer attributes (LSOA, ward, classification).

    Addresses are person-level: the file has address and postcode columns only with --purpose, through the
    agreement and the audit log (PLACEHUB_TOKEN's holder or PLACEHUB_USER, as match.results.export).
    """
    from placehub.cli import _common, console
    from placehub.match import export_results

    s = _common.settings()
    if purpose is None:
        n = export_results(s, source, out)
        console.print(
            f"Wrote {n:,} rows to {out}, without address or postcode: add --purpose P to include them "
            "(checked against the agreement and audited)."
        )
        return
    from placehub.act.session import user_access

    cat = _common.catalogue(s)
    try:
        n = export_results(s, source, out, access=user_access(cat, s, purpose))
    finally:
        cat.dispose()
    console.print(
        f"Wrote {n:,} rows to {out}, with the address and postcode the agreement for '{purpose}' allows "
        "(a record withheld by an objection or outside its area has them empty); audited as "
        "match.results.export."
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("match")(match)
    app.command("results")(results)
    app.add_typer(review_app, name="review")
