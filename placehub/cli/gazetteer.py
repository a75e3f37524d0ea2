"""CLI commands for the gazetteer: ``placehub gazetteer load`` and ``placehub gazetteer show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

gazetteer_app = typer.Typer(help="The place's gazetteer (addresses keyed by UPRN).", no_args_is_help=True)


@gazetteer_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="An LLPG / AddressBase-style CSV or XLSX.")],
    contract: Annotated[str, typer.Option(help="The gazetteer contract's name, e.g. merthyr-gazetteer.")],
) -> None:
    """Replace the gazetteer with FILE, read through a gazetteer contract (all of it or none of it)."""
    from placehub.cli import console
    from placehub.cli._common import settings
    from placehub.cli.ingest import print_load, progress_bar
    from placehub.place.gazetteer import load_gazetteer

    s = settings()
    with progress_bar(f"Loading {file.name}") as update:
        g = load_gazetteer(s, file, contract, user=s.user, progress=update)
    print_load(g.load, f"gazetteer {contract}: load {g.load.load_id}")
    console.print(
        f"{g.rows:,} addresses, {g.uprns:,} UPRNs ({g.repeated_uprns:,} with more than one address), "
        f"{g.with_coordinates:,} with coordinates"
        + ("; one-line addresses built from the components" if g.address_built else "")
    )


@gazetteer_app.command("show")
def show() -> None:
    """Counts over the current gazetteer: addresses, UPRNs, postcodes, coordinates, classifications."""
    from placehub.cli import console
    from placehub.cli._common import settings
    from placehub.place.gazetteer import gazetteer_summary

    g = gazetteer_summary(settings())
    if g is None:
        console.print("No gazetteer loaded yet: placehub gazetteer load FILE --contract C")
        return
    t = Table(show_header=False, title=f"Gazetteer (load {g.load_id})", title_justify="left")
    t.add_row("addresses", f"{g.rows:,}")
    t.add_row("UPRNs", f"{g.uprns:,}")
    t.add_row("postcodes", f"{g.postcodes:,}")
    t.add_row("with coordinates", f"{g.with_coordinates:,}")
    t.add_row("without coordinates", f"{g.without_coordinates:,}")
    console.print(t)
    c = Table("classification", "addresses", title="By classification", title_justify="left")
    for code, n in g.by_classification:
        c.add_row(code or "(none)", f"{n:,}")
    console.print(c)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(gazetteer_app, name="gazetteer")
