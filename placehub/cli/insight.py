"""``placehub geography``, ``placehub index``, ``placehub hotspots`` and ``placehub access``.

Each command parses its arguments, calls one domain function and prints the result; nothing else.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from placehub.cli._common import settings as current_settings
from placehub.cli._common import vault as current_vault

geography_app = typer.Typer(
    help="Small-area boundaries, postcode lookups and UPRN → LSOA / MSOA / ward.", no_args_is_help=True
)
index_app = typer.Typer(
    help="Composite indices (Social Progress Index, IMD method) from YAML definitions.", no_args_is_help=True
)


def _console():  # type: ignore[no-untyped-def]
    from placehub.cli import console

    return console


@geography_app.command("load")
def geography_load(
    boundaries: list[Path] = typer.Option(
        [], "--boundaries", "-b", help="GeoJSON or GeoPackage; one level each."
    ),
    lookup: Path | None = typer.Option(None, "--lookup", help="ONS-style postcode lookup CSV."),
    code_field: list[str] = typer.Option([], "--code-field", help="GSS code property, per boundary file."),
) -> None:
    """Store boundary polygons (with ONS GSS codes) and a postcode lookup in the vault."""
    from placehub.place.geography import load_geography

    with _console().status("reading boundaries"):
        result = load_geography(current_vault(), boundaries, lookup, code_fields=code_field)
    table = Table("level", "areas", "note", title="geography loaded")
    for level, n in result.areas.items():
        table.add_row(level, str(n), "dissolved from LSOAs" if level in result.derived else "")
    if lookup:
        table.add_row("postcodes", str(result.postcodes), f"{result.live_postcodes} live")
    _console().print(table)


@geography_app.command("assign")
def geography_assign(
    keep_gazetteer: bool = typer.Option(False, "--keep-gazetteer", help="Write uprn_areas only."),
) -> None:
    """Assign every gazetteer UPRN to its LSOA, MSOA and ward (point in polygon, else postcode)."""
    from placehub.place.geography import assign_uprns

    with _console().status("assigning UPRNs"):
        result = assign_uprns(current_vault(), update_gazetteer=not keep_gazetteer)
    table = Table(
        "level",
        "by polygon",
        "by postcode",
        "from LSOA",
        "none",
        "polygon ≠ postcode",
        title=f"{result.uprns} UPRNs assigned",
    )
    for level, m in result.methods.items():
        table.add_row(
            level,
            *(str(m.get(k, 0)) for k in ("polygon", "postcode", "parent", "none")),
            str(result.polygon_postcode_disagreements.get(level, "–")),
        )
    _console().print(table)


@index_app.command("list")
def index_list() -> None:
    """List the index definitions shipped with placehub."""
    from placehub.insight.indices import packaged_definitions

    table = Table("name", "file")
    for name, path in sorted(packaged_definitions().items()):
        table.add_row(name, path.name)
    _console().print(table)


def _print_index(built, top: int = 5) -> None:  # type: ignore[no-untyped-def]
    r = built.result
    idx = r.values[r.values["component"] == "index"].sort_values("rank")
    table = Table("rank", "decile", "area", "name", "score", title=f"{r.definition.title}")
    for _, row in list(idx.head(top).iterrows()) + list(idx.tail(top).iterrows()):
        table.add_row(
            str(row["rank"]),
            str(row["decile"]),
            row["area_code"],
            r.names.get(row["area_code"], ""),
            f"{row['value']:.2f}",
        )
    _console().print(table)
    if r.rank_check:
        rc = r.rank_check
        _console().print(
            f"published rank reproduced exactly for {rc.exact:,} of {rc.areas:,} areas "
            f"({100 * rc.exact_share:.2f}%); largest difference {rc.max_abs_diff}"
        )
    for comp, diag in r.diagnostics.items():
        for warning in diag.warnings:
            _console().print(f"[yellow]{comp}[/]: {warning}")
    if built.rows:
        _console().print(f"{built.rows:,} rows stored in index_values")


@index_app.command("build")
def index_build(
    name: str = typer.Argument(..., help="Definition name (see `placehub index list`) or a YAML path."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Folder for {demo_data} in paths."),
) -> None:
    """Build an index and store its values (index_values) in the vault."""
    from placehub.insight.indices import build_and_store

    with _console().status(f"building {name}"):
        built = build_and_store(current_settings(), name, demo_data=data_dir)
    _print_index(built)


@index_app.command("report")
def index_report(
    name: str = typer.Argument(..., help="Definition name or YAML path."),
    out: Path = typer.Option(..., "--out", help="Folder for NAME.md, NAME.html and NAME_values.csv."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Folder for {demo_data} in paths."),
) -> None:
    """Build an index, store it and write its methodology report (Markdown and HTML)."""
    from placehub.insight.indices import build_report

    with _console().status(f"building {name}"):
        built = build_report(current_settings(), name, out, demo_data=data_dir)
    _print_index(built)
    for path in built.report_files:
        _console().print(f"wrote {path}")


def hotspots(
    index: str = typer.Argument(..., help="A built index (see `placehub index build`)."),
    component: str = typer.Option(
        "index", help="Part of the index: index, a dimension, component or indicator."
    ),
    level: str = typer.Option("lsoa", help="Area level of the index values and polygons."),
    permutations: int = typer.Option(999, help="Conditional permutations for pseudo p-values."),
    seed: int = typer.Option(12345, help="Random seed for the permutations."),
    alpha: float = typer.Option(0.05, help="Significance level for the hot / cold spot classes."),
    tolerance: float = typer.Option(0.0, help="Metres to bridge gaps between neighbouring polygons."),
) -> None:
    """Getis-Ord Gi* and local Moran's I for an index's values on queen contiguity (stored in `hotspots`)."""
    from placehub.insight.hotspots import hotspots_for_index

    with _console().status("computing local statistics (the first run compiles esda's kernels)"):
        result = hotspots_for_index(
            current_settings(),
            index,
            component=component,
            level=level,
            permutations=permutations,
            seed=seed,
            alpha=alpha,
            tolerance=tolerance,
        )
    table = Table("class", "areas", title=f"{index} / {component}: {permutations} permutations, seed {seed}")
    for label, n in result.counts().items():
        table.add_row(label, str(n))
    _console().print(table)
    if result.islands:
        _console().print(f"[yellow]areas with no neighbour:[/] {', '.join(result.islands)}")


def access(
    service: str = typer.Argument(..., help="A name for the service, e.g. green_space or gp."),
    path: Path = typer.Argument(..., help="CSV of points (x,y or lon,lat) or GeoJSON of points / polygons."),
    threshold: list[float] = typer.Option([300.0, 1000.0], "--threshold", help="Distance bands in metres."),
    residents: Path | None = typer.Option(None, help="CSV uprn,residents to weight shares by residents."),
    classification: list[str] = typer.Option(
        [], "--classification", help="Only UPRNs whose class starts so."
    ),
    step: float = typer.Option(10.0, help="Metres between points along polygon boundaries."),
) -> None:
    """Distance from every UPRN to the nearest service; shares within reach per LSOA and ward."""
    from placehub.insight.access import measure_access

    with _console().status(f"measuring access to {service}"):
        result = measure_access(
            current_settings(),
            service,
            path,
            thresholds=threshold,
            residents=residents,
            classification_prefixes=classification,
            step=step,
        )
    _console().print(
        f"{result.addresses:,} UPRNs, {result.service_points:,} service points; "
        f"median distance {result.median_distance_m:.0f} m"
    )
    ward = result.indicators[result.indicators["level"] == "ward"]
    table = Table("ward", "threshold m", "addresses", "within", "share", title=f"access to {service} by ward")
    for _, row in ward.iterrows():
        table.add_row(
            row["area_code"],
            f"{row['threshold_m']:.0f}",
            str(row["addresses"]),
            str(row["addresses_within"]),
            f"{row['share_addresses']:.1%}",
        )
    _console().print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(geography_app, name="geography")
    app.add_typer(index_app, name="index")
    app.command("hotspots")(hotspots)
    app.command("access")(access)
