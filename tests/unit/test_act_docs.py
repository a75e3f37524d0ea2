"""Every act command, condition kind and priority kind is documented in docs/act.md."""

from __future__ import annotations

from pathlib import Path

import typer

from placehub.act.rules import CONDITION_KINDS, PRIORITY_KINDS
from placehub.cli import act as act_cli
from placehub.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "act.md"


def test_every_act_command_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    grouped = [
        f"placehub {group} {name}"
        for group, sub in (
            ("cohort", act_cli.cohort_app),
            ("outcome", act_cli.outcome_app),
            ("services", act_cli.services_app),
        )  # fmt: skip
        for name in typer.main.get_group(sub).commands
    ]
    root = typer.main.get_group(app).commands
    single = [f"placehub {c}" for c in ("worklist", "assign", "escalations", "coverage") if c in root]
    assert len(grouped) == 8 and len(single) == 4
    assert [c for c in grouped + single if c not in documented] == []


def test_every_rule_kind_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    assert [k for k in (*CONDITION_KINDS, *PRIORITY_KINDS) if f"`{k}`" not in documented] == []
