"""Person linkage commands: ``placehub link run``, ``placehub link review …``, ``placehub people show``."""

from __future__ import annotations

import logging

import typer
from rich.table import Table

link_app = typer.Typer(help="Link people across sources: stable person ids, households, clerical review.")
review_app = typer.Typer(help="Clerical review of uncertain pairs (between the review and match thresholds).")
people_app = typer.Typer(
    help="Linked people (counts only; person-level reads go through an agreement access)."
)
link_app.add_typer(review_app, name="review")


def _quiet_splink() -> None:
    # Splink reports every training step; the CLI shows the outcome instead.
    for name in ("splink", "py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)


@link_app.command("run")
def run(
    engine: str = typer.Option("duckdb", help="duckdb (default) or spark"),
    spark_master: str = typer.Option(None, "--spark-master", help="Spark master URL (default local[2])"),
    threshold: float = typer.Option(
        0.9, help="match probability at or above which two records are one person"
    ),
    review_threshold: float = typer.Option(
        0.5, help="pairs from here up to --threshold go to clerical review"
    ),
    source: str = typer.Option(None, help="link only this source's new records to the existing people"),
    seed: int = typer.Option(42, help="seed for the model's random sampling"),
) -> None:
    """Link every current record (or one source's new load) into people and households."""
    from placehub.cli import _common, console
    from placehub.link import LinkConfig, run_linkage

    _quiet_splink()
    config = LinkConfig(
        match_threshold=threshold,
        review_threshold=review_threshold,
        seed=seed,
        engine=engine,
        spark_master=spark_master,
    )
    s = _common.settings()
    with console.status(f"Linking people ({engine})…"):
        summary = run_linkage(s, _common.catalogue(s), config, source=source)
    console.print(
        f"Link run {summary.run_id} ({summary.kind}, {summary.engine}): {summary.records:,} records → "
        f"[bold]{summary.people:,} people[/] in [bold]{summary.households:,} households[/]; "
        f"{summary.people_new:,} new people, {summary.merges} merges, {summary.splits} splits, "
        f"{summary.pairs_for_review:,} pairs for review."
    )


@review_app.command("list")
def review_list(limit: int = typer.Option(50, help="show at most this many pairs")) -> None:
    """Pairs waiting for a decision (record ids and scores only)."""
    from placehub.cli import _common, console
    from placehub.link import pending_pairs

    s = _common.settings()
    pairs = pending_pairs(_common.vault(s), _common.catalogue(s), limit)
    table = Table("pair", "record", "record", "probability", "person ids", title="Pairs for clerical review")
    for p in pairs:
        table.add_row(
            str(p.pair_id),
            p.record_l,
            p.record_r,
            f"{p.match_probability:.3f}",
            f"{p.person_id_l} / {p.person_id_r}",
        )
    console.print(table if pairs else "No pairs are waiting for review.")


def _decide(decision: str, pair: int | None, records: list[str] | None, note: str | None) -> None:
    from placehub.cli import _common, console
    from placehub.link import Decision, decide

    s = _common.settings()
    pair_records = tuple(records) if records else None
    if pair_records is not None and len(pair_records) != 2:
        from placehub.link.review import ReviewError

        raise ReviewError("Give exactly two record ids (source|record_id) after --records.")
    row = decide(
        _common.vault(s),
        _common.catalogue(s),
        Decision(decision),
        pair_id=pair,
        records=pair_records,
        decided_by=s.user,
        note=note,
    )  # type: ignore[arg-type]
    console.print(
        f"{decision.capitalize()}ed {row.record_l} – {row.record_r}; "
        "applies from the next `placehub link run`."
    )


@review_app.command("accept")
def review_accept(
    pair: int = typer.Argument(None, help="pair number from `placehub link review list`"),
    records: list[str] = typer.Option(None, "--records", help="or two record ids: source|record_id (twice)"),
    note: str = typer.Option(None, help="why"),
) -> None:
    """These two records are one person (forced together on every later run)."""
    _decide("accept", pair, records, note)


@review_app.command("reject")
def review_reject(
    pair: int = typer.Argument(None, help="pair number from `placehub link review list`"),
    records: list[str] = typer.Option(None, "--records", help="or two record ids: source|record_id (twice)"),
    note: str = typer.Option(None, help="why"),
) -> None:
    """These two records are different people (kept apart on every later run)."""
    _decide("reject", pair, records, note)


@people_app.command("show")
def people_show() -> None:
    """How many people and households linkage found (counts only)."""
    from placehub.cli import _common, console
    from placehub.link import people_counts

    c = people_counts(_common.vault())
    table = Table("measure", "count", title="Linked people")
    for label, value in (
        ("records linked", c.records),
        ("people", c.people),
        ("people in more than one source", c.people_in_several_sources),
        ("households (by UPRN)", c.households),
        ("largest household", c.largest_household),
        ("people with no UPRN", c.people_without_uprn),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(link_app, name="link")
    app.add_typer(people_app, name="people")
