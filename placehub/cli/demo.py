"""``placehub demo …``: build the synthetic borough and write benchmark sets drawn from it."""

from __future__ import annotations

from pathlib import Path

import typer

# The "demo" sub-app. The lead adds ``demo run`` (build + pipeline + serve, placehub/demo/pipeline.py) here:
#     from placehub.cli.demo import demo_app
#     @demo_app.command("run") ...
demo_app = typer.Typer(name="demo", help="A synthetic borough to try placehub on.", no_args_is_help=True)
bench_app = typer.Typer(
    name="bench-set", help="Benchmark sets drawn from the demo borough.", no_args_is_help=True
)
demo_app.add_typer(bench_app)


@demo_app.command("build")
def build(
    seed: int = typer.Option(1, help="Random seed: the same seed gives byte-identical files."),
    out: Path = typer.Option(Path("demo-data"), help="Folder to write the borough's files into."),
    households: int | None = typer.Option(None, help="About how many homes (default about 38,000)."),
) -> None:
    """Build the synthetic borough: gazetteer, boundaries, residents, partner files, truth, census tables."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from placehub.cli import console
    from placehub.demo.borough import STEPS, build_borough

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("Building the borough", total=len(STEPS))
        started: list[str] = []

        def step(name: str) -> None:  # called as each stage starts: the previous one is done
            progress.update(task, advance=1 if started else 0, description=name)
            started.append(name)

        files = build_borough(out, seed=seed, households=households, on_step=step)
        progress.update(task, completed=len(STEPS), description="Borough built")
    table = Table("file", "rows", title=f"Demo borough (seed {seed}) in {out}")
    for path, rows in files.row_counts().items():
        table.add_row(str(path.relative_to(out)), f"{rows:,}")
    console.print(table)


@bench_app.command("match")
def bench_match(
    n: int = typer.Option(100_000, help="How many messy addresses (sampled with replacement)."),
    out: Path = typer.Option(Path("bench-data/match"), help="Folder for gazetteer.csv and messy.csv."),
    seed: int = typer.Option(1, help="Random seed."),
) -> None:
    """Write gazetteer.csv (uprn,address,postcode) and messy.csv (id,address,postcode,true_uprn)."""
    from placehub.cli import console
    from placehub.demo.bench_sets import write_match_bench

    with console.status(f"Writing {n:,} messy addresses"):
        gazetteer, messy = write_match_bench(out, n, seed)
    console.print(f"Wrote [bold]{gazetteer}[/] and [bold]{messy}[/] ({n:,} messy addresses).")


@bench_app.command("people")
def bench_people(
    n: int = typer.Option(100_000, help="How many person records (several per person)."),
    out: Path = typer.Option(Path("bench-data/people.csv"), help="CSV file to write."),
    seed: int = typer.Option(1, help="Random seed."),
) -> None:
    """Write messy person records with their true_person_id, for linkage benchmarks."""
    from placehub.cli import console
    from placehub.demo.bench_sets import write_person_bench

    with console.status(f"Writing {n:,} person records"):
        path = write_person_bench(out, n, seed)
    console.print(f"Wrote [bold]{path}[/] ({n:,} person records).")


def register(app: typer.Typer) -> None:
    """Add ``placehub demo`` to the root app."""
    app.add_typer(demo_app)


@demo_app.command("run")
def run(
    seed: int = typer.Option(1, help="Random seed for the borough."),
    folder: Path = typer.Option(Path("demo-data"), help="Folder for the borough and the demo's home."),
    households: int | None = typer.Option(None, help="About how many homes (default about 38,000)."),
    serve: bool = typer.Option(True, help="Serve the web app over the demo afterwards."),
    port: int = typer.Option(8000, help="Port for the web app (loopback only)."),
) -> None:
    """Build the borough, run the whole pipeline over it, print a summary, then serve the web app."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from placehub.cli import console
    from placehub.demo.pipeline import STAGES, run_demo

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as p:
        task = p.add_task("Starting", total=len(STAGES))
        seen: list[str] = []

        def stage(name: str) -> None:
            p.update(task, advance=1 if seen else 0, description=name)
            seen.append(name)

        ctx = run_demo(folder, seed=seed, households=households, on_stage=stage)
        p.update(task, completed=len(STAGES), description="Pipeline done")
    for section, lines in ctx.summary.items():
        table = Table("", "", title=section, show_header=False, title_justify="left")
        for label, value in lines:
            table.add_row(label, value)
        console.print(table)
    console.print(f"Demo home: {ctx.settings.home}  (export PLACEHUB_HOME={ctx.settings.home} to explore it)")
    if serve:
        from placehub.demo.pipeline import serve_demo

        serve_demo(ctx, port=port)
