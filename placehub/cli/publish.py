"""CLI for publish: define, preview, approve, publish, list and export disclosure-controlled releases."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from placehub import publish as pub
from placehub.cli._common import catalogue, settings


def _console():  # type: ignore[no-untyped-def]
    from placehub.cli import console

    return console


publish_app = typer.Typer(
    help="Open data: disclosure-controlled releases with maker–checker approval.", no_args_is_help=True
)


@publish_app.command("define")
def define_cmd(
    definition: str = typer.Argument(..., help="A definition YAML file, or a packaged definition's name"),
    user: str = typer.Option(None, "--user", help="Who defines it (default: PLACEHUB_USER)"),
) -> None:
    """Record an aggregate definition (a changed file becomes a new version)."""
    s = settings()
    d = pub.define(catalogue(s), definition, user or s.user)
    note = "new version" if d.changed else "unchanged"
    _console().print(f"Definition [bold]{d.name}[/] version {d.version} ({note}).")


@publish_app.command("preview")
def preview_cmd(
    name: str,
    maker: str = typer.Option(
        None, "--maker", help="The analyst making the release (default: PLACEHUB_USER)"
    ),
) -> None:
    """Compute a definition's table, apply disclosure control and store it as a draft."""
    s = settings()
    r = pub.preview(catalogue(s), s, name, maker or s.user)
    _console().print(
        f"Draft release [bold]{r.id}[/] of {r.name} by {r.maker} under [bold]{r.rule_set}[/]: "
        f"{r.meta['suppressed']['primary']} cells suppressed, {r.meta['suppressed']['secondary']} more "
        f"to protect them. Ask a checker to run `placehub publish approve {r.id}`."
    )
    log = Table("cell", "kind", "reason", title="SDC log")
    for h in r.sdc_log:
        log.add_row(h["cell"], h["kind"], h["reason"])
    _console().print(log)


@publish_app.command("approve")
def approve_cmd(
    release_id: int,
    checker: str = typer.Option(
        None, "--checker", help="The checker (default: PLACEHUB_USER); not the maker"
    ),
) -> None:
    """Approve a draft release (a different person from its maker)."""
    s = settings()
    r = pub.approve(catalogue(s), release_id, checker or s.user)
    _console().print(f"Release {r.id} of {r.name} approved by {r.checker} (made by {r.maker}).")


@publish_app.command("publish")
def publish_cmd(release_id: int, user: str = typer.Option(None, "--user")) -> None:
    """Publish an approved release as the definition's next version."""
    s = settings()
    r = pub.publish(catalogue(s), release_id, user or s.user)
    _console().print(f"Published [bold]{r.name}[/] release {r.number}. {r.changelog}")


@publish_app.command("list")
def list_cmd(all_: bool = typer.Option(False, "--all", help="Include drafts and approved releases")) -> None:
    """List releases (published only, unless --all)."""
    s = settings()
    rows = pub.list_releases(catalogue(s), status=None if all_ else pub.ReleaseStatus.PUBLISHED)
    t = Table("id", "definition", "release", "status", "rule set", "maker", "checker", "suppressed")
    for r in rows:
        sup = r.meta["suppressed"]
        t.add_row(
            str(r.id),
            r.name,
            str(r.number or ""),
            r.status.value,
            r.rule_set,
            r.maker,
            r.checker or "",
            f"{sup['primary']} + {sup['secondary']}",
        )
    _console().print(t)


@publish_app.command("export")
def export_cmd(out: Path = typer.Option(..., "--out", help="Folder for the Data Package folders")) -> None:
    """Write every published release as a Data Package folder (CSV + datapackage.json + CSVW + DCAT)."""
    s = settings()
    folders = pub.export_all(catalogue(s), s, out)
    _console().print(f"Wrote {len(folders)} release folders under {out}.")


def register(app: typer.Typer) -> None:
    app.add_typer(publish_app, name="publish")
