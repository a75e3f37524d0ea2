"""Every govern command is documented in docs/governance.md, and every access rule is named there."""

from __future__ import annotations

from pathlib import Path

import typer

from placehub.cli import govern as govern_cli
from placehub.govern import Rule

DOCS = Path(__file__).resolve().parents[2] / "docs" / "governance.md"
GROUPS = {
    "agreement": govern_cli.agreement_app,
    "org": govern_cli.org_app,
    "user": govern_cli.user_app,
    "token": govern_cli.token_app,
    "share": govern_cli.share_app,
    "audit": govern_cli.audit_app,
    "retention": govern_cli.retention_app,
    "objection": govern_cli.objection_app,
    "register": govern_cli.register_app,
}


def test_every_govern_command_is_documented() -> None:
    documented = DOCS.read_text()
    commands = [
        f"placehub {group} {name}"
        for group, sub in GROUPS.items()
        for name in typer.main.get_group(sub).commands
    ]
    assert len(commands) == 16
    assert [c for c in commands if c not in documented] == []


def test_every_refusal_rule_is_documented() -> None:
    documented = DOCS.read_text()
    assert [r.value for r in Rule if f"`{r.value}`" not in documented] == []
