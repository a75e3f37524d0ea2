"""`placehub review list` and `placehub results` show a record's address only through the agreement and the
audit log (``Access.review_rows``, as ``match.review.show`` / ``match.results.export``), through the CLI.

World: a `people` source loaded by the real ingest loader (contract roles: address → address_1, postcode →
postcode), the small gazetteer of the match tests, a real match run (P1 and P4 auto, P2 and P3 to review), an
objection against P3 recorded after the load, and two agreements for the analyst `ana` at the council: one
covering the address columns (`p-full`), one without `address_1` (`p-narrow`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotPermitted
from placehub.govern import (
    IdentifierKind,
    Role,
    add_agreement,
    add_objection,
    add_organisation,
    add_user,
    verify,
)
from placehub.govern.agreement import ContractLookup
from placehub.govern.audit import entries
from placehub.ingest import load_file
from placehub.match import match_source
from placehub.settings import Settings
from placehub.store import Catalogue, Vault, open_catalogue
from tests.integration._govern_helpers import agreement_doc, nhs_number, write_agreement
from tests.integration._ingest_helpers import PEOPLE_HEADER, people_contract
from tests.integration._match_helpers import write_gazetteer

PEOPLE = {  # person_id: (NHS number, surname, address_1, postcode)
    "P1": (nhs_number("943476591"), "JONES", "1 High St, Ashcombe", "YQ1 1AA"),
    "P2": (nhs_number("401023213"), "EVANS", "Flat 3, 5 High Street, Ashcombe", "YQ1 1AB"),
    "P3": (nhs_number("485777345"), "PRICE", "13 Mill Lane, Fairwater", "YQ1 2BB"),
    "P4": (nhs_number("555555555"), "DAVIES", "Rose Cottage, Mill Ln", "YQ1 2BB"),
}
EVERY_ADDRESS = [p[2] for p in PEOPLE.values()] + ["High Street", "Mill Lane", "YQ1"]

runner = CliRunner()


@dataclass
class World:
    settings: Settings
    catalogue: Catalogue


def _gazetteer(settings: Settings) -> None:
    with Vault(settings.vault_path).connect() as con:
        write_gazetteer(con)


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> Iterator[World]:
    cat = open_catalogue(settings.database_url)
    people_contract(settings)
    for org, name in (("council", "Test Council"), ("nhs", "Test NHS"), ("food-network", "Food Network")):
        add_organisation(cat, org, name)
    add_user(cat, "ana", "council", Role.ANALYST, None)
    add_user(cat, "pat", "food-network", Role.PARTNER_WORKER, None)
    today = date.today()
    contracts = ContractLookup(settings.contracts_dirs)
    for ref, purpose, columns in (
        ("a-full", "p-full", ["person_id", "surname", "address_1", "postcode"]),
        ("a-narrow", "p-narrow", ["person_id", "surname", "postcode"]),
    ):
        doc = agreement_doc(
            ref, purpose, today - timedelta(days=30), today + timedelta(days=300),
            datasets=[{"source": "people", "provider": "nhs", "special_category": True, "columns": columns}],
            geography={"whole_place": True},
        )  # fmt: skip
        add_agreement(cat, write_agreement(settings.home / "agreements", doc), contracts, added_by="setup")
    _gazetteer(settings)
    source = tmp_path / "people.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(PEOPLE_HEADER)
        w.writerows([pid, nhs, surname, "01/02/1940", address, pc] for pid, (nhs, surname, address, pc) in
                    PEOPLE.items())  # fmt: skip
    loaded = load_file(settings, "people", source, user="ingest-test")
    assert (loaded.rows_accepted, loaded.rows_rejected) == (4, 0)
    result = match_source(settings, "people")
    assert (result.auto, result.review) == (2, 2)
    add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, PEOPLE["P3"][0], recorded_by="ig")
    yield World(settings, cat)
    cat.dispose()


def run(monkeypatch: pytest.MonkeyPatch, user: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLACEHUB_USER", user)
    monkeypatch.delenv("PLACEHUB_TOKEN", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    return runner.invoke(app, list(args), catch_exceptions=True)


def _actions(cat: Catalogue) -> list[str]:
    return [e["action"] for e in entries(cat)]


def test_review_list_shows_addresses_only_through_the_agreement(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = world.catalogue
    before = len(entries(cat))
    plain = run(monkeypatch, "ana", "review", "list", "--source", "people")
    assert plain.exit_code == 0, plain.output
    assert [a for a in EVERY_ADDRESS if a in plain.output] == []
    assert "P2" in plain.output and "P3" in plain.output
    assert "--purpose P shows them (checked against the agreement, audited)" in plain.output
    assert len(entries(cat)) == before  # nothing person-level was read for a person

    shown = run(monkeypatch, "ana", "review", "list", "--purpose", "p-full")
    assert shown.exit_code == 0, shown.output
    lines = {line.split("│")[3].strip(): line for line in shown.output.splitlines() if line.count("│") > 8}
    assert "Flat 3, 5 High Street, Ashcombe" in lines["P2"] and "YQ1 1AB" in lines["P2"]
    assert "withheld" in lines["P3"] and "Mill Lane" not in shown.output  # P3 objected after the load
    assert "1 address(es) withheld" in shown.output
    new = entries(cat)[before:]
    assert [(e["action"], e["outcome"]) for e in new] == [("access.open", "allowed"),
                                                          ("match.review.show", "allowed")]  # fmt: skip
    show = new[-1]
    assert (show["actor"], show["purpose"], show["dataset"], show["row_count"]) == (
        "ana",
        "p-full",
        "people",
        1,
    )
    assert json.loads(show["columns"]) == ["address_1", "postcode"]
    detail = json.loads(show["detail"])
    assert (detail["records_named"], detail["objections_excluded"], len(detail["review_items"])) == (2, 1, 2)

    refused = run(monkeypatch, "ana", "review", "list", "--purpose", "p-narrow")
    assert isinstance(refused.exception, NotPermitted)  # `placehub` (main) prints it and exits with 4
    assert refused.exception.exit_code == 4
    assert "rule: columns_not_covered" in str(refused.exception)
    assert "people.address_1" in str(refused.exception)
    assert [a for a in EVERY_ADDRESS if a in refused.output] == []
    last = entries(cat)[-1]
    assert (last["outcome"], last["rule"], last["dataset"]) == ("denied", "columns_not_covered", "people")
    assert verify(cat).ok


def test_results_carry_addresses_only_through_the_agreement(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cat = world.catalogue
    before = len(entries(cat))
    plain_file = tmp_path / "plain.csv"
    plain = run(monkeypatch, "ana", "results", "people", "--out", str(plain_file))
    assert plain.exit_code == 0, plain.output
    assert "without address or postcode" in plain.output
    text = plain_file.read_text(encoding="utf-8")
    assert [a for a in EVERY_ADDRESS if a in text] == []
    header = next(csv.reader(text.splitlines()))
    assert "address" not in header and "postcode" not in header and "uprn" in header and "ward" in header
    assert len(entries(cat)) == before

    full = tmp_path / "full.csv"
    done = run(monkeypatch, "ana", "results", "people", "--out", str(full), "--purpose", "p-full")
    assert done.exit_code == 0, done.output
    assert "audited as match.results.export" in done.output
    with full.open(encoding="utf-8") as f:
        rows = {r["record_id"]: r for r in csv.DictReader(f)}
    assert {k: (r["address"], r["postcode"], r["status"]) for k, r in rows.items()} == {
        "P1": ("1 High St, Ashcombe", "YQ1 1AA", "auto"),
        "P2": ("Flat 3, 5 High Street, Ashcombe", "YQ1 1AB", "review"),
        "P3": ("", "", "review"),  # objected after the load: withheld
        "P4": ("Rose Cottage, Mill Ln", "YQ1 2BB", "auto"),
    }
    assert rows["P1"]["uprn"] == "100000000001" and rows["P1"]["lsoa"] == "E01000001"
    new = entries(cat)[before:]
    assert [(e["action"], e["outcome"]) for e in new] == [("access.open", "allowed"),
                                                          ("match.results.export", "allowed")]  # fmt: skip
    export = new[-1]
    assert (export["actor"], export["purpose"], export["dataset"], export["row_count"]) == (
        "ana", "p-full", "people", 3)  # fmt: skip
    assert json.loads(export["columns"]) == ["address_1", "postcode"]
    detail = json.loads(export["detail"])
    assert (detail["file"], detail["records_named"], detail["objections_excluded"]) == ("full.csv", 4, 1)

    parquet = tmp_path / "full.parquet"
    done = run(monkeypatch, "ana", "results", "people", "--out", str(parquet), "--purpose", "p-full")
    assert done.exit_code == 0, done.output
    got = duckdb.read_parquet(str(parquet)).select("record_id, address, postcode, x").order("1").fetchall()
    assert got[:3] == [
        ("P1", "1 High St, Ashcombe", "YQ1 1AA", 100.0),
        ("P2", "Flat 3, 5 High Street, Ashcombe", "YQ1 1AB", None),
        ("P3", None, None, None),
    ]

    for user, purpose, rule in (("ana", "p-narrow", "columns_not_covered"), ("pat", "p-full", "review_role")):
        out = tmp_path / f"{user}-{purpose}.csv"
        refused = run(monkeypatch, user, "results", "people", "--out", str(out), "--purpose", purpose)
        assert isinstance(refused.exception, NotPermitted), refused.output
        assert f"rule: {rule}" in str(refused.exception)
        assert not out.exists()
        last = entries(cat)[-1]
        assert (last["actor"], last["outcome"], last["rule"], last["dataset"]) == (
            user,
            "denied",
            rule,
            "people",
        )
    assert "match.results.export" in _actions(cat)
    assert verify(cat).ok
