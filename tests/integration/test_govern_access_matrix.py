"""The access matrix: every role × agreement state × dataset × column, through the Python API and the CLI, on
SQLite and PostgreSQL. Each cell is allowed or denied with an exact rule; allowed cells return exact rows;
every cell leaves exactly one ``access.rows`` or ``access.open`` audit entry."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotPermitted
from placehub.govern import Role, create_token, open_access, verify
from placehub.govern.audit import entries
from placehub.store import open_catalogue
from tests.integration._govern_helpers import (
    AGREED_COLUMNS,
    ANALYST_SEES,
    FOOD_COLUMNS,
    PARTNER_SEES,
    SHIELDED_COLUMNS,
    STATES,
    USERS,
    build_world,
)

CELLS_DATASETS = [("shielded-list", c) for c in SHIELDED_COLUMNS] + [
    ("food-support", c) for c in FOOD_COLUMNS
]
MATRIX = [(r, s, d, c) for r, s, (d, c) in itertools.product(list(Role), list(STATES), CELLS_DATASETS)]
VALUE_OF = {  # what each allowed column holds for record Pn (see _govern_helpers.build_vault)
    "patient_id": lambda pid: pid,
    "surname": lambda pid: f"Surname{pid[1]}",
    "postcode": lambda pid: "SE6 1AA",
}


def expected(role: Role, state: str, dataset: str, column: str) -> tuple[str, str | list[str]]:
    """('allowed', values) or ('denied', rules): the agreement's terms, written independently of the code."""
    rules = []
    if role not in (Role.ANALYST, Role.PARTNER_WORKER):
        rules.append("role")
    rules += {
        "active": [],
        "not started": ["agreement_not_started"],
        "expired": ["agreement_expired"],
        "missing": ["no_agreement"],
    }[state]
    if rules:
        return "denied", ",".join(rules)
    if dataset != "shielded-list":
        return "denied", "dataset_not_covered"
    if column not in AGREED_COLUMNS:
        return "denied", "columns_not_covered"
    people = ANALYST_SEES if role is Role.ANALYST else PARTNER_SEES
    return "allowed", [VALUE_OF[column](p) for p in people]


def rule_of(message: str) -> str:
    return message.split("(rule: ", 1)[1].split(")", 1)[0]


def test_matrix_size() -> None:
    assert len(MATRIX) == 4 * 4 * 11 == 176
    assert sum(expected(*cell)[0] == "allowed" for cell in MATRIX) == 2 * 1 * 3


def test_access_matrix_python_api(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    before = len(entries(cat))
    got = {}
    for role, state, dataset, column in MATRIX:
        username, org = USERS[role]
        try:
            access = open_access(cat, settings, username=username, organisation=org, purpose=STATES[state])
            frame = access.rows(dataset, [column])
            got[(role, state, dataset, column)] = ("allowed", sorted(frame[column].astype(str).tolist()))
        except NotPermitted as exc:
            got[(role, state, dataset, column)] = ("denied", rule_of(str(exc)))
    assert got == {cell: expected(*cell) for cell in MATRIX}
    log = entries(cat)[before:]
    rows_entries = [e for e in log if e["action"] == "access.rows"]
    opened = [e for e in log if e["action"] == "access.open"]
    allowed_opens = sum(
        1 for r, s, _, _ in MATRIX if r in (Role.ANALYST, Role.PARTNER_WORKER) and s == "active"
    )
    assert len(opened) == len(MATRIX)  # every attempt records its opening, allowed or denied
    assert sum(e["outcome"] == "allowed" for e in opened) == allowed_opens
    assert len(rows_entries) == allowed_opens  # every granted access recorded its read, allowed or denied
    assert sorted(
        (e["outcome"], e["row_count"]) for e in rows_entries if e["outcome"] == "allowed"
    ) == sorted([("allowed", 3)] * 3 + [("allowed", 2)] * 3)
    assert verify(cat).ok
    cat.dispose()


@pytest.mark.slow
def test_access_matrix_cli(catalogue_url: str, settings, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLACEHUB_DATABASE_URL", catalogue_url)
    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    tokens = {
        (role, state): create_token(cat, USERS[role][0], STATES[state]) for role in Role for state in STATES
    }
    runner = CliRunner()
    got = {}
    out = tmp_path / "rows.csv"
    for role, state, dataset, column in MATRIX:
        out.unlink(missing_ok=True)
        result = runner.invoke(
            app,
            ["share", "rows", dataset, "--columns", column, "--out", str(out)],
            env={"PLACEHUB_TOKEN": tokens[(role, state)]},
        )
        if result.exit_code == 0:
            with out.open() as f:
                got[(role, state, dataset, column)] = (
                    "allowed",
                    sorted(r[column] for r in csv.DictReader(f)),
                )
        else:
            assert isinstance(result.exception, NotPermitted), result.output
            got[(role, state, dataset, column)] = ("denied", rule_of(str(result.exception)))
    assert got == {cell: expected(*cell) for cell in MATRIX}
    assert verify(cat).ok
    cat.dispose()


def test_inactive_user_and_wrong_organisation_are_named_together(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    from placehub.govern.people import set_active

    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    set_active(cat, "ana", False)
    with pytest.raises(NotPermitted) as exc:
        open_access(cat, settings, username="ana", organisation="food-network", purpose="p-active")
    assert str(exc.value) == (
        "Access refused (rule: user_inactive,not_member) for ana at food-network, purpose p-active:\n"
        "  * user 'ana' is not active\n"
        "  * user 'ana' belongs to 'council', not 'food-network'"
    )
    last = entries(cat)[-1]
    assert (last["action"], last["outcome"], last["rule"]) == (
        "access.open",
        "denied",
        "user_inactive,not_member",
    )
    cat.dispose()


def test_missing_columns_listed_at_once(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    access = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    with pytest.raises(NotPermitted) as exc:
        access.rows("shielded-list", ["patient_id", "nhs_number", "forename", "date_of_birth"])
    assert str(exc.value) == (
        "Access refused (rule: columns_not_covered) for ana at council, purpose p-active:\n"
        "  * agreement a-active v1 (p-active) does not cover:\n"
        "      - shielded-list.nhs_number\n"
        "      - shielded-list.forename\n"
        "      - shielded-list.date_of_birth\n"
        "    Ask the SRO to amend the agreement, or drop these columns."
    )
    cat.dispose()


def test_access_refuses_once_agreement_ends_while_held(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    access = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    later = type(access)(**{**access.__dict__, "today": date.today() + timedelta(days=301)})
    with pytest.raises(NotPermitted) as exc:
        later.rows("shielded-list", ["patient_id"])
    assert rule_of(str(exc.value)) == "agreement_expired"
    cat.dispose()


def test_pseudonyms_differ_between_purposes_and_audit_detail_counts(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    import json

    from placehub.govern import pseudonym

    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    access = open_access(cat, settings, username="pat", organisation="food-network", purpose="p-active")
    frame = access.rows("shielded-list", ["patient_id", "postcode"], pseudonymise=["patient_id"])
    assert frame["patient_id"].tolist() == [pseudonym(settings.keys_dir, "p-active", p) for p in PARTNER_SEES]
    assert set(frame["patient_id"]).isdisjoint(
        pseudonym(settings.keys_dir, "p-other", p) for p in PARTNER_SEES
    )
    last = entries(cat)[-1]
    assert json.loads(last["detail"]) == {
        "agreement": "a-active",
        "version": 1,
        "rows_in_source": 6,
        "out_of_scope": 3,
        "not_assigned": 1,
        "objections_excluded": 0,
    }
    cat.dispose()
