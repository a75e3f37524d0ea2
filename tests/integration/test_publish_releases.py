"""Releases end to end on a real catalogue (SQLite and PostgreSQL) and vault: define → preview → approve →
publish, maker–checker, versions and changelog, person-level counts read through an audited Access, and the
files (Data Package validated with frictionless, CSVW, DCAT, GeoJSON), the CLI export and the public API."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from frictionless import validate
from sqlalchemy import select
from typer.testing import CliRunner

from placehub.errors import NotFound
from placehub.govern import Role, add_organisation, add_user
from placehub.publish import ApprovalRefused, approve, define, export_all, list_releases, preview, publish
from placehub.publish.releases import ReleaseStateError
from placehub.settings import Settings
from placehub.store import open_catalogue
from tests.integration._publish_helpers import WARDS, build_gazetteer, cases, write_definition

SQUARE = {"type": "Polygon", "coordinates": [[[0, 51], [0.01, 51], [0.01, 51.01], [0, 51.01], [0, 51]]]}


@pytest.fixture
def world(settings: Settings, catalogue_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    catalogue = open_catalogue(catalogue_url)
    add_organisation(catalogue, "council", "Test Borough Council")
    add_user(catalogue, "ana", "council", Role.ANALYST, None)
    add_user(catalogue, "sam", "council", Role.IG_OFFICER, None)
    gaz = build_gazetteer(settings)
    con = duckdb.connect(str(settings.vault_path))
    con.execute("create table areas (code varchar, name varchar, level varchar, geojson varchar)")
    con.executemany(
        "insert into areas values (?, ?, 'ward', ?)",
        # the last ward's boundary is missing
        [[w, f"Ward {n}", json.dumps(SQUARE) if n < 13 else None] for n, w in enumerate(WARDS, start=1)],
    )
    con.close()
    yield catalogue, settings, tmp_path, gaz
    catalogue.dispose()


def _draft(world, weeks: int = 1, seed: int = 5):  # type: ignore[no-untyped-def]
    catalogue, settings, tmp_path, gaz = world
    define(catalogue, write_definition(tmp_path / "defs", "cases-ward", "ward", weeks), "ana")
    return preview(catalogue, settings, "cases-ward", "ana", frames={"outbreak_cases": cases(gaz, seed, 2)})


def test_maker_cannot_check_their_own_release(world) -> None:  # type: ignore[no-untyped-def]
    catalogue = world[0]
    draft = _draft(world)
    with pytest.raises(ApprovalRefused) as refused:
        approve(catalogue, draft.id, "ana")
    assert str(refused.value) == (
        f"ana made release {draft.id} (cases-ward) and so cannot approve it: a second person must check the "
        "release and its SDC log before it is published (maker–checker)."
    )
    with pytest.raises(ReleaseStateError, match="must be approved by a checker before publication"):
        publish(catalogue, draft.id, "ana")
    assert list_releases(catalogue) == []
    approved = approve(catalogue, draft.id, "sam")
    assert (approved.maker, approved.checker, approved.status.value) == ("ana", "sam", "approved")
    done = publish(catalogue, draft.id, "sam")
    assert (done.number, done.changelog) == (1, "First release.")
    from placehub.store.models_govern import AuditEntry

    with catalogue.session() as s:
        entries = s.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.outcome, AuditEntry.rule).order_by(
                AuditEntry.sequence
            )
        ).all()
    assert [tuple(e) for e in entries] == [
        ("publish.define", "ana", "done", ""),
        ("publish.preview", "ana", "done", ""),
        ("publish.approve", "ana", "denied", "maker_checker"),
        ("publish.approve", "sam", "done", ""),
        ("publish.publish", "sam", "done", ""),
    ]


def test_versions_changelog_and_stale_previews(world) -> None:  # type: ignore[no-untyped-def]
    catalogue = world[0]
    first = _draft(world, seed=5)
    approve(catalogue, first.id, "sam")
    publish(catalogue, first.id, "sam")
    a = _draft(world, seed=6)
    b = _draft(world, seed=7)
    for d in (a, b):
        approve(catalogue, d.id, "sam")
    second = publish(catalogue, a.id, "sam")
    assert second.number == 2
    assert second.changelog.startswith(
        f"{sum(1 for k, v in second.cells.items() if first.cells[k] != v)} of 14"
    )
    with pytest.raises(ReleaseStateError, match="Preview again"):
        publish(catalogue, b.id, "sam")
    assert [r.number for r in list_releases(catalogue, name="cases-ward")] == [1, 2]


def test_files_validate_and_carry_licence_and_rules(world) -> None:  # type: ignore[no-untyped-def]
    catalogue, settings, tmp_path, _ = world
    draft = _draft(world, weeks=2)
    approve(catalogue, draft.id, "sam")
    release = publish(catalogue, draft.id, "sam")
    folders = export_all(catalogue, settings, tmp_path / "out")
    assert folders == [tmp_path / "out" / "cases-ward" / "v1"]
    folder = folders[0]
    assert sorted(p.name for p in folder.iterdir()) == [
        "cases-ward.csv",
        "cases-ward.csv-metadata.json",
        "cases-ward.geojson",
        "datapackage.json",
        "dcat.jsonld",
    ]
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert package["placehub"]["disclosure_control"]["name"] == "placehub-sdc-2025"
    assert package["resources"][0]["schema"]["primaryKey"] == ["area_code", "week"]
    with (folder / "cases-ward.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == (13 + 1) * (2 + 1)
    counts = [int(r["count"]) for r in rows if r["count"] != "[c]"]
    assert [c for c in counts if 1 <= c <= 7] == []
    assert sum(1 for r in rows if r["count"] == "[c]") == len(release.sdc_log)
    csvw = json.loads((folder / "cases-ward.csv-metadata.json").read_text())
    assert [c["name"] for c in csvw["tableSchema"]["columns"]] == ["area_code", "area_name", "week", "count"]
    assert csvw["dc:license"] == {
        "@id": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    }
    dcat = json.loads((folder / "dcat.jsonld").read_text())
    assert (dcat["@type"], dcat["dct:identifier"], dcat["dcat:version"]) == (
        "dcat:Dataset",
        "cases-ward-v1",
        "1.0.0",
    )
    assert [d["dct:title"] for d in dcat["dcat:distribution"]] == [
        "CSV",
        "Frictionless Data Package",
        "CSV on the Web metadata",
        "GeoJSON",
    ]
    geo = json.loads((folder / "cases-ward.geojson").read_text())
    assert (len(geo["features"]), geo["missing_geometry"]) == (12, 1)  # one ward has no boundary loaded
    assert geo["features"][0]["properties"]["name"] == "Ward 1"


def test_cli_define_preview_approve_publish_export(world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from placehub.cli import app

    catalogue, settings, tmp_path, _ = world
    if not catalogue.engine.url.drivername.startswith("sqlite"):
        monkeypatch.setenv(
            "PLACEHUB_DATABASE_URL", catalogue.engine.url.render_as_string(hide_password=False)
        )
    runner = CliRunner()
    # the index definition needs index_values, which this vault lacks: a clear refusal
    assert runner.invoke(app, ["publish", "define", "spi-by-lsoa", "--user", "ana"]).exit_code == 0
    failed = runner.invoke(app, ["publish", "preview", "spi-by-lsoa", "--maker", "ana"])
    assert failed.exit_code == 1
    assert "run `placehub index build demo-spi` first" in str(failed.exception)
    refused = runner.invoke(app, ["publish", "approve", "999", "--checker", "sam"])
    assert isinstance(refused.exception, NotFound)
    out = runner.invoke(app, ["publish", "export", "--out", str(tmp_path / "empty")])
    assert out.exit_code == 0 and "Wrote 0 release folders" in out.output


def test_counts_from_person_level_rows_go_through_an_audited_access(
    settings: Settings, tmp_path: Path
) -> None:
    """A source_records definition reads rows through govern's Access (checked, audited) and counts them."""
    from tests.integration._govern_helpers import build_world

    catalogue = open_catalogue(settings.database_url)
    build_world(catalogue, settings)
    doc = tmp_path / "shielded.yaml"
    doc.write_text(
        "name: shielded-by-ward\ntitle: Shielded by ward\ndescription: test\ninput: source_records\n"
        "area_level: ward\noptions: {purpose: p-active, dataset: shielded-list, record_id: patient_id, "
        "postcode: postcode}\n"
    )
    define(catalogue, doc, "ana")
    draft = preview(catalogue, settings, "shielded-by-ward", "ana")
    # P1, P3 and P6 are in the agreement's scope; all three share a postcode placed in the IN ward
    assert draft.cells == {"E05013722|count": None, "E05013730|count": 0, "total|count": None}
    assert [h["kind"] for h in draft.sdc_log] == ["primary", "primary"]
    assert draft.rule_set == "placehub-sdc-2025"  # from the agreement's disclosure_control
    from placehub.store.models_govern import AuditEntry as Entry

    with catalogue.session() as s:
        reads = s.scalars(select(Entry).where(Entry.action == "access.rows")).all()
        assert [(e.actor, e.purpose, e.dataset, e.row_count, e.outcome) for e in reads] == [
            ("ana", "p-active", "shielded-list", 3, "allowed")
        ]
    catalogue.dispose()
