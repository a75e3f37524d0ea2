"""CLI commands for ingest: ``placehub ingest``, ``placehub loads``, ``placehub rejects``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar fed by the loaders' (done, total) callback."""
    from placehub.cli import err_console

    if not err_console.is_terminal:  # no bar (and no stray blank line) when output goes to a file or a pipe
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def print_load(result, title: str) -> None:  # type: ignore[no-untyped-def]
    from placehub.cli import console

    t = Table(show_header=False, title=title, title_justify="left")
    t.add_row("load id", str(result.load_id))
    t.add_row("file", result.file_name)
    t.add_row("SHA-256", result.sha256)
    fmt = result.format
    if result.format == "csv":
        fmt += f", delimiter {result.delimiter!r}"
        t.add_row("encoding", f"{result.encoding} ({result.encoding_note})")
    if result.sheet:
        fmt += f", sheet '{result.sheet}'"
    t.add_row("format", fmt)
    t.add_row("rows", f"{result.rows_total:,}")
    t.add_row("accepted", f"{result.rows_accepted:,}")
    t.add_row("rejected", f"{result.rows_rejected:,}")
    if result.rows_objected:
        t.add_row("withheld (objections register)", f"{result.rows_objected:,}")
    for reason, n in result.top_reasons:
        t.add_row("  reason", f"{n:,} × {reason}")
    t.add_row("time", f"{result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)")
    console.print(t)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command()
    def ingest(
        source: Annotated[str, typer.Argument(help="The source's contract name, e.g. shielded-list.")],
        file: Annotated[Path, typer.Argument(help="The delivered file (CSV or XLSX).")],
        sheet: Annotated[str | None, typer.Option(help="XLSX sheet name or 1-based number.")] = None,
        encoding: Annotated[
            str | None, typer.Option(help="Text encoding, if detection gets it wrong.")
        ] = None,
    ) -> None:
        """Load one partner file against its source's contract: all of it or none of it, plus its rejects."""
        from placehub.cli._common import settings
        from placehub.ingest import load_file

        s = settings()
        with progress_bar(f"Loading {file.name}") as update:
            result = load_file(s, source, file, user=s.user, sheet=sheet, encoding=encoding, progress=update)
        print_load(result, f"{source}: load {result.load_id}")
        if result.rows_rejected:
            from placehub.cli import console

            console.print(f"See the rejected rows with: placehub rejects {result.load_id}")

    @app.command()
    def loads(source: Annotated[str | None, typer.Option(help="Only this source's loads.")] = None) -> None:
        """List loads with their counts, newest first."""
        from placehub.cli import console
        from placehub.cli._common import settings
        from placehub.ingest import list_loads

        t = Table(
            "id", "source", "kind", "file", "status", "rows", "accepted", "rejected", "by", "finished (UTC)"
        )
        for ld in list_loads(settings(), source=source):
            t.add_row(
                str(ld.id),
                ld.source,
                ld.kind,
                ld.file_name,
                ld.status,
                f"{ld.rows_total:,}",
                f"{ld.rows_accepted:,}",
                f"{ld.rows_rejected:,}",
                ld.user,
                ld.finished_at.strftime("%Y-%m-%d %H:%M"),
            )
        console.print(t)

    @app.command()
    def rejects(
        load_id: Annotated[int, typer.Argument(help="The load's id (see `placehub loads`).")],
        out: Annotated[
            Path | None, typer.Option(help="Write them to this .csv or .xlsx for the partner.")
        ] = None,
        limit: Annotated[int, typer.Option(help="Rows to show on screen.")] = 50,
    ) -> None:
        """Show a load's rejected rows with their reasons, or export them with --out."""
        from placehub.cli import console
        from placehub.cli._common import settings
        from placehub.ingest import export_rejects, rejected_rows

        s = settings()
        if out is not None:
            n = export_rejects(s, load_id, out)
            console.print(f"Wrote {n:,} rejected rows of load {load_id} to {out}")
            return
        rows = rejected_rows(s, load_id)
        for r in rows[:limit]:
            for line in r.lines():
                console.print(line, highlight=False, markup=False)
        if len(rows) > limit:
            console.print(f"… and {len(rows) - limit:,} more rows: export them all with --out rejects.csv")
        if not rows:
            console.print(f"Load {load_id} has no rejected rows.")
