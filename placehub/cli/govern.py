"""CLI for govern: agreements, organisations, users, tokens, access, audit, retention, objections, register.

Secrets (passwords, tokens, NHS numbers) are never taken as arguments, which shells and process lists echo:
they come from a hidden prompt or an environment variable.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from placehub import govern
from placehub.act.rules import proxy_register
from placehub.cli._common import catalogue, settings
from placehub.govern.agreement import ContractLookup
from placehub.govern.people import list_organisations, parse_role
from placehub.govern.retention import run_retention


def _console():  # type: ignore[no-untyped-def]
    from placehub.cli import console

    return console


def _say(*args: object, **kwargs: object) -> None:
    """Print without hard line breaks (ids and hashes stay whole for copying and for scripts)."""
    kwargs.setdefault("soft_wrap", True)
    _console().print(*args, **kwargs)


def _contracts() -> ContractLookup:
    return ContractLookup(settings().contracts_dirs)


def _secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


agreement_app = typer.Typer(help="Data-sharing agreements: add, list, show, validate.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations (parties to agreements).", no_args_is_help=True)
user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens, each scoped to one purpose.", no_args_is_help=True)
share_app = typer.Typer(help="Read person-level rows under an agreement (audited).", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit chain.", no_args_is_help=True)
retention_app = typer.Typer(help="Delete what no agreement may keep any longer.", no_args_is_help=True)
objection_app = typer.Typer(
    help="The register of people who object to their data being used.", no_args_is_help=True
)
register_app = typer.Typer(help="The public transparency register.", no_args_is_help=True)


@agreement_app.command("validate")
def agreement_validate(file: Path) -> None:
    """Check an agreement file against the schema and for contradictions, without recording it."""
    a = govern.validate_file(file, _contracts())
    _say(f"[green]Valid:[/] {a.id} — {a.title} ({a.purpose}, {a.start} to {a.end})")


@agreement_app.command("add")
def agreement_add(file: Path) -> None:
    """Record an agreement; a changed file under the same id becomes its next version."""
    s = settings()
    result = govern.add_agreement(catalogue(s), file, _contracts(), added_by=s.user)
    a = result.agreement
    verb = "Added" if result.new_version else "Unchanged"
    _say(f"{verb}: {a.id} version {a.version} ({a.purpose})")


@agreement_app.command("list")
def agreement_list() -> None:
    """List the current version of every agreement."""
    table = Table("id", "version", "purpose", "start", "review", "end", "datasets")
    for a in govern.current_agreements(catalogue()):
        table.add_row(
            a.id,
            str(a.version),
            a.purpose,
            str(a.start),
            str(a.review),
            str(a.end),
            ", ".join(d.source for d in a.datasets),
        )
    _say(table)


@agreement_app.command("show")
def agreement_show(
    agreement_id: str, version: int | None = typer.Option(None, help="Default: current.")
) -> None:
    """Show one agreement's terms and its version history."""
    cat = catalogue()
    a = govern.get_agreement(cat, agreement_id, version)
    _say(f"[bold]{a.title}[/] ({a.ref}) — purpose {a.purpose}: {a.purpose_description}")
    _say(f"From {a.start} to {a.end}, review by {a.review}; delete by {a.retention_deadline()}")
    _say("Parties: " + "; ".join(f"{p.name} ({', '.join(sorted(p.roles))})" for p in a.parties))
    for d in a.datasets:
        _say(f"  {d.source} from {d.provider} to {', '.join(d.recipients)}: {', '.join(d.columns)}")
    history = Table("version", "sha256", "added by", "added at")
    for v, sha, by, at in govern.version_history(cat, agreement_id):
        history.add_row(str(v), sha[:16], by, str(at))
    _say(history)


@org_app.command("add")
def org_add(
    org_id: str, name: str, kind: str = typer.Option("other", help="council, nhs, vcs, school…")
) -> None:
    """Add an organisation."""
    govern.add_organisation(catalogue(), org_id, name, kind)
    _say(f"Added organisation {org_id}")


@org_app.command("list")
def org_list() -> None:
    """List organisations."""
    table = Table("id", "name", "kind")
    for row in list_organisations(catalogue()):
        table.add_row(*row)
    _say(table)


@user_app.command("add")
def user_add(
    username: str,
    org: str = typer.Option(..., "--org", help="The organisation the user acts for."),
    role: str = typer.Option(..., help="analyst, ig_officer, partner_worker or public."),
    no_password: bool = typer.Option(False, help="A token-only user (no sign-in password)."),
) -> None:
    """Add a user. The password comes from PLACEHUB_NEW_PASSWORD or a hidden prompt, never an argument."""
    password = None if no_password else _secret("PLACEHUB_NEW_PASSWORD", "Password", confirm=True)
    info = govern.add_user(catalogue(), username, org, parse_role(role), password)
    _say(f"Added user {info.username} ({info.role.value} at {info.organisation})")


@token_app.command("create")
def token_create(
    username: str, purpose: str = typer.Option(..., help="The one purpose it may act for.")
) -> None:
    """Create an API token; its secret is printed once and stored only as a hash."""
    secret = govern.create_token(catalogue(), username, purpose)
    _say(f"Token for {username} ({purpose}) — copy it now, it is not shown again:")
    _say(secret, highlight=False)


@share_app.command("rows")
def share_rows(
    dataset: str,
    columns: str = typer.Option(..., help="Comma-separated columns, e.g. patient_id,postcode"),
    pseudonymise: str = typer.Option(
        "", help="Comma-separated columns to replace by this purpose's pseudonym."
    ),
    out: Path | None = typer.Option(None, help="Write the rows to this CSV file instead of the screen."),
) -> None:
    """Read rows as the holder of the API token in PLACEHUB_TOKEN (or prompted for)."""
    s = settings()
    access = govern.access_from_token(catalogue(s), s, _secret("PLACEHUB_TOKEN", "API token"))
    frame = access.rows(
        dataset,
        [c.strip() for c in columns.split(",") if c.strip()],
        pseudonymise=[c.strip() for c in pseudonymise.split(",") if c.strip()],
    )
    if out is not None:
        frame.to_csv(out, index=False)
    else:
        table = Table(*frame.columns)
        for row in frame.itertuples(index=False):
            table.add_row(*["" if v is None else str(v) for v in row])
        _say(table)
    _say(f"{len(frame)} rows of {dataset} under {access.agreement.ref}")


@audit_app.command("verify")
def audit_verify(
    expect_head: str | None = typer.Option(None, help="A published head hash to check against."),
) -> None:
    """Check every link of the audit chain; name the first bad entry."""
    result = govern.verify(catalogue(), expect_head=expect_head)
    if result.ok:
        _say(f"[green]{result.message()}[/]")
        return
    from placehub.cli import err_console

    err_console.print(f"[bold red]{result.message()}[/]", highlight=False, soft_wrap=True)
    raise typer.Exit(5)


@audit_app.command("head")
def audit_head() -> None:
    """Print the number of entries and the head hash."""
    n, h = govern.head(catalogue())
    _say(f"{n} {h}", highlight=False)


@retention_app.command("run")
def retention_run(
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would go; delete nothing."),
    as_of: str | None = typer.Option(None, "--as-of", help="Judge retention as of this date (YYYY-MM-DD)."),
) -> None:
    """Delete record-level data, exports and pseudonym keys past their agreements' retention."""
    s = settings()
    today = date.fromisoformat(as_of) if as_of else None
    result = run_retention(catalogue(s), s, today=today, dry_run=dry_run, actor=s.user)
    table = Table("what", "source / purpose", "where", "count", "deadline")
    for i in result.items:
        table.add_row(i.kind.value, i.subject, i.location, str(i.count), str(i.deadline))
    _say(table)
    verb = "would be deleted (dry run)" if dry_run else "deleted; tombstones written to the audit chain"
    _say(f"{len(result.items)} item(s) {verb} as of {result.today}")


@objection_app.command("add")
def objection_add(
    kind: str = typer.Option("nhs_number", help="nhs_number or person_id"),
    scope: str = typer.Option("all", help="'all' or one purpose code"),
) -> None:
    """Record an objection. The identifier comes from PLACEHUB_OBJECTION_ID or a hidden prompt."""
    s = settings()
    value = _secret("PLACEHUB_OBJECTION_ID", "NHS number" if kind == "nhs_number" else "Person id")
    oid = govern.add_objection(
        catalogue(s), s.keys_dir, govern.IdentifierKind(kind), value, recorded_by=s.user, scope=scope
    )
    _say(f"Objection {oid} recorded")


@objection_app.command("list")
def objection_list() -> None:
    """List objections (ids and dates only: no identifiers)."""
    table = Table("id", "kind", "scope", "recorded by", "recorded at")
    for oid, kind, scope, by, at in govern.list_objections(catalogue()):
        table.add_row(str(oid), kind, scope, by, str(at))
    _say(table)


@objection_app.command("remove")
def objection_remove(objection_id: int) -> None:
    """Remove an objection (when the person withdraws it)."""
    s = settings()
    govern.remove_objection(catalogue(s), objection_id, removed_by=s.user)
    _say(f"Objection {objection_id} removed")


@register_app.command("build")
def register_build(out: Path | None = typer.Option(None, help="Default: $PLACEHUB_HOME/register")) -> None:
    """Write the public transparency register (register.json and index.html)."""
    s = settings()
    result = govern.build_register(catalogue(s), out or s.home / "register", cohort_proxies=proxy_register(s))
    _say(f"Register: {result.agreements} agreement(s), audit head {result.head_hash} → {result.html_path}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(agreement_app, name="agreement")
    app.add_typer(org_app, name="org")
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(share_app, name="share")
    app.add_typer(audit_app, name="audit")
    app.add_typer(retention_app, name="retention")
    app.add_typer(objection_app, name="objection")
    app.add_typer(register_app, name="register")
