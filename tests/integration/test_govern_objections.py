"""Objections: applied at ingest (a staged DuckDB table) and again at share (inside Access.rows); counted in
the audit, never named; stored as keyed hashes."""

from __future__ import annotations

import json

import duckdb
import sqlalchemy as sa
from typer.testing import CliRunner

from placehub.cli import app
from placehub.govern import IdentifierKind, add_objection, apply_objections, list_objections, open_access
from placehub.govern.audit import entries
from placehub.store import open_catalogue
from tests.integration._govern_helpers import NHS, build_world, nhs_number

OBJECTOR = nhs_number("943476591")
OTHER_OBJECTOR = nhs_number("401023213")


def test_apply_at_ingest_deletes_objectors_and_counts_them(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, OBJECTOR, recorded_by="ig")
    add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, OTHER_OBJECTOR, recorded_by="ig")
    con = duckdb.connect()
    con.execute("create table staged (record_id varchar, nhs_number varchar)")
    spaced = f"{OTHER_OBJECTOR[:3]} {OTHER_OBJECTOR[3:6]} {OTHER_OBJECTOR[6:]}"  # as partners often send it
    con.executemany(
        "insert into staged values (?, ?)",
        [
            ["R1", OBJECTOR],
            ["R2", spaced],
            ["R3", nhs_number("485777345")],
            ["R4", "not a number"],
            ["R5", None],
        ],
    )
    outcome = apply_objections(cat, con, "staged", keys_dir=settings.keys_dir, nhs_number_column="nhs_number")
    assert (outcome.relation, outcome.excluded, outcome.excluded_by_kind) == (None, 2, {"nhs_number": 2})
    assert con.execute("select record_id from staged order by 1").fetchall() == [("R3",), ("R4",), ("R5",)]
    last = entries(cat)[-1]
    assert (last["action"], last["dataset"], last["row_count"]) == ("objections.apply", "staged", 2)
    assert json.loads(last["detail"]) == {"stage": "ingest", "excluded": 2, "by_kind": {"nhs_number": 2}}
    everything = json.dumps(entries(cat))
    assert OBJECTOR not in everything and OTHER_OBJECTOR not in everything
    cat.dispose()


def test_person_id_objection_filters_a_relation(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    add_objection(cat, settings.keys_dir, IdentifierKind.PERSON_ID, "person-2", recorded_by="ig")
    con = duckdb.connect()
    rel = con.sql(
        "select * from (values ('person-1', 'a'), ('person-2', 'b'), ('person-3', 'c')) t(person_id, x)"
    )
    outcome = apply_objections(
        cat,
        con,
        rel,
        keys_dir=settings.keys_dir,
        nhs_number_column=None,
        person_id_column="person_id",
        stage="link",
        audit=False,
    )
    assert sorted(outcome.relation.fetchall()) == [("person-1", "a"), ("person-3", "c")]
    assert (outcome.excluded, outcome.excluded_by_kind) == (1, {"person_id": 1})
    cat.dispose()


def test_objection_applied_again_at_share(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, NHS["P6"], recorded_by="ig")
    # An objection for another purpose only does not apply here.
    add_objection(
        cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, NHS["P1"], recorded_by="ig", scope="p-other"
    )
    frame = open_access(cat, settings, username="ana", organisation="council", purpose="p-active").rows(
        "shielded-list", ["patient_id"]
    )
    assert frame["patient_id"].tolist() == ["P1", "P3"]
    detail = json.loads(entries(cat)[-1]["detail"])
    assert (detail["objections_excluded"], detail["out_of_scope"]) == (1, 3)
    cat.dispose()


def test_register_keeps_only_keyed_hashes(catalogue_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    first = add_objection(cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, OBJECTOR, recorded_by="ig")
    again = add_objection(
        cat, settings.keys_dir, IdentifierKind.NHS_NUMBER, f" {OBJECTOR} ", recorded_by="ig"
    )
    assert first == again
    with cat.engine.connect() as c:
        stored = [tuple(r) for r in c.execute(sa.text("select * from govern_objections")).all()]
    assert len(stored) == 1 and OBJECTOR not in json.dumps(stored, default=str)
    assert [(k, s) for _, k, s, _, _ in list_objections(cat)] == [("nhs_number", "all")]
    cat.dispose()


def test_objection_cli(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    added = runner.invoke(app, ["objection", "add"], env={"PLACEHUB_OBJECTION_ID": OBJECTOR})
    assert (added.exit_code, added.output.strip()) == (0, "Objection 1 recorded")
    assert OBJECTOR not in added.output
    bad = runner.invoke(app, ["objection", "add"], input="1234567890\n")
    assert "not a valid NHS number" in str(bad.exception)
    listed = runner.invoke(app, ["objection", "list"])
    assert "nhs_number" in listed.output and OBJECTOR not in listed.output
    removed = runner.invoke(app, ["objection", "remove", "1"])
    assert (removed.exit_code, removed.output.strip()) == (0, "Objection 1 removed")
    cat = open_catalogue(settings.database_url)
    assert list_objections(cat) == []
    cat.dispose()
