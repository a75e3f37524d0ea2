"""Open Referral UK: the demo services round-trip through import and export, valid against the schema."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from placehub.act.oruk import InvalidServices, parse, schema_dir, schema_problems
from placehub.act.services import DEMO_SERVICES, export_services, import_services, organisations
from placehub.govern.audit import entries
from placehub.store import open_catalogue

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture
def oruk_schema(settings):  # type: ignore[no-untyped-def]
    """The uk-profile schema folder (shared standards); skips locally when absent, fails under CI=true."""
    folder = schema_dir(settings)
    if not (folder / "compiled" / "organization_package.json").is_file():
        if IN_CI:
            pytest.fail(f"Open Referral UK schema not found in {folder}: set PLACEHUB_ORUK_SCHEMA")
        pytest.skip(f"Open Referral UK schema not found in {folder}")
    return folder


def test_demo_services_round_trip(settings, oruk_schema, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalogue = open_catalogue(settings.database_url)
    try:
        result = import_services(settings, catalogue, DEMO_SERVICES, actor="priya")
        assert (result.organisations, result.services, result.capacity) == (3, 5, 610)
        out = tmp_path / "services.json"
        assert export_services(settings, catalogue, out, actor="priya") == 3
        written = json.loads(out.read_text(encoding="utf-8"))
        assert schema_problems(settings, written) == []
        # what placehub exports is what it imported, field for field
        assert written == json.loads(DEMO_SERVICES.read_text(encoding="utf-8"))
        assert parse(written) == organisations(catalogue)
        # organisation | service | capacity | purposes | needs | service areas
        assert [
            (v.organisation, v.name, v.capacity, v.purposes, v.needs, len(v.areas))
            for o in organisations(catalogue)
            for v in o.services
        ] == [
            ("digital-charity", "Devices and data for families", 120, ("digital-inclusion",),
             ("digital",), 4),
            ("digital-charity", "Getting online for older residents", 100, ("shielding-support",),
             ("digital", "loneliness"), 20),
            ("food-network", "Shopping and food parcels", 200, ("shielding-support",), ("food", "money"), 9),
            ("good-neighbours", "Befriending and check-in calls", 150, ("shielding-support",),
             ("loneliness", "medicine"), 17),
            ("good-neighbours", "Digital buddies", 40, ("digital-inclusion",), ("digital",), 2),
        ]  # fmt: skip
        assert [(e["action"], e["row_count"]) for e in entries(catalogue)] == [
            ("act.services.import", 5),
            ("act.services.export", 3),
        ]
    finally:
        catalogue.dispose()


def test_every_problem_is_listed(settings, oruk_schema, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(DEMO_SERVICES.read_text(encoding="utf-8"))
    doc[0]["services"][0]["status"] = "open all hours"  # not in the schema's enum
    doc[0]["id"] = "not-a-uuid"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    catalogue = open_catalogue(settings.database_url)
    try:
        with pytest.raises(InvalidServices) as err:
            import_services(settings, catalogue, bad, actor="priya")
    finally:
        catalogue.dispose()
    assert err.value.problems == [
        "0/id: 'not-a-uuid' is not a 'uuid'",
        "0/services/0/status: 'open all hours' is not one of "
        "['active', 'inactive', 'defunct', 'temporarily closed']",
    ]


def test_placehub_attributes_are_required() -> None:
    doc = json.loads(DEMO_SERVICES.read_text(encoding="utf-8"))
    svc = doc[0]["services"][0]
    svc["attributes"] = [
        a for a in svc["attributes"] if a["taxonomy_term"]["taxonomy"] != "placehub-capacity"
    ]
    svc["service_areas"][0]["uri"] = svc["service_areas"][0]["extent"] = "the north of the borough"
    with pytest.raises(InvalidServices) as err:
        parse(doc, "services.json")
    where = f"0/services/0 ({svc['name']})"
    assert err.value.problems == [
        f"{where}: give one attribute of taxonomy 'placehub-capacity' whose term is a whole number",
        f"{where}: every service area needs a ward or LSOA GSS code (in uri or extent)",
    ]
