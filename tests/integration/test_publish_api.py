"""The public open-data API and catalogue page: no sign-in, published figures only, filters and facets,
downloads in every format, and a map for geographic releases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from placehub.govern import Role, add_organisation, add_user
from placehub.publish import approve, define, preview, publish
from placehub.settings import Settings
from placehub.store import open_catalogue
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from placehub.web.routes_open_data import router
from tests.integration._publish_helpers import WARDS, build_gazetteer, cases, write_definition

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SQUARE = {"type": "Polygon", "coordinates": [[[0, 51], [0.01, 51], [0.01, 51.01], [0, 51.01], [0, 51]]]}


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    catalogue = open_catalogue(settings.database_url)
    add_organisation(catalogue, "council", "Test Borough Council")
    add_user(catalogue, "ana", "council", Role.ANALYST, None)
    add_user(catalogue, "sam", "council", Role.IG_OFFICER, None)
    gaz = build_gazetteer(settings)
    con = duckdb.connect(str(settings.vault_path))
    con.execute("create table areas (code varchar, name varchar, level varchar, geojson varchar)")
    con.executemany(
        "insert into areas values (?, ?, 'ward', ?)",
        [[w, f"Ward {n}", json.dumps(SQUARE)] for n, w in enumerate(WARDS, start=1)],
    )
    con.close()
    define(catalogue, write_definition(tmp_path, "cases-ward", "ward", 2), "ana")
    draft = preview(catalogue, settings, "cases-ward", "ana", frames={"outbreak_cases": cases(gaz, 5, 2)})
    approve(catalogue, draft.id, "sam")
    publish(catalogue, draft.id, "sam")
    preview(catalogue, settings, "cases-ward", "ana", frames={"outbreak_cases": cases(gaz, 6, 2)})  # a draft
    catalogue.dispose()
    app = create_app(settings, WebSettings(secret_key="open-data-test-" + "k" * 32))
    app.include_router(router)
    with TestClient(app) as c:
        yield c


def test_list_shows_published_releases_only(client: TestClient) -> None:
    r = client.get("/api/open-data/releases")
    assert r.status_code == 200
    [entry] = r.json()
    assert (entry["name"], entry["release"], entry["versions"], entry["rule_set"], entry["areas"]) == (
        "cases-ward",
        1,
        [1],
        "placehub-sdc-2025",
        13,
    )
    assert entry["licence"]["name"] == "OGL-UK-3.0"


def test_table_filters_and_facets(client: TestClient) -> None:
    page = client.get("/api/open-data/releases/cases-ward").json()
    assert page["total_rows"] == 14 * 3
    assert page["facets"]["week"] == {"2026-W02": 14, "2026-W03": 14, "total": 14}
    one = client.get(f"/api/open-data/releases/cases-ward?area_code={WARDS[0]}&week=total").json()
    assert one["total_rows"] == 1
    assert one["rows"][0]["area_code"] == WARDS[0] and one["filters"] == {
        "area_code": WARDS[0],
        "week": "total",
    }
    no_totals = client.get("/api/open-data/releases/cases-ward?totals=false").json()
    assert no_totals["total_rows"] == 13 * 2
    bad = client.get("/api/open-data/releases/cases-ward?nhs_number=1")
    assert (bad.status_code, bad.json()["error"]) == (
        400,
        "Unknown filter nhs_number: filter on one of area_code, area_name, count, week.",
    )
    assert client.get("/api/open-data/releases/no-such").status_code == 404


def test_downloads(client: TestClient) -> None:
    base = "/api/open-data/releases/cases-ward/v1/"
    csv_text = client.get(base + "cases-ward.csv").text
    assert csv_text.splitlines()[0] == "area_code,area_name,week,count"
    assert client.get(base + "datapackage.json").json()["version"] == "1.0.0"
    assert client.get(base + "cases-ward.csv-metadata.json").json()["@context"] == "http://www.w3.org/ns/csvw"
    assert client.get(base + "dcat.jsonld").json()["@type"] == "dcat:Dataset"
    geo = client.get("/api/open-data/releases/cases-ward/latest/cases-ward.geojson").json()
    assert len(geo["features"]) == 13
    shown = client.get(base + "map.geojson").json()
    assert shown["legend"][-1]["label"] == "[c] suppressed"
    assert client.get(base + "secrets.json").status_code == 404
    assert client.get("/api/open-data/releases/cases-ward/v2/dcat.jsonld").status_code == 404  # a draft only
    catalog = client.get("/api/open-data/catalog.jsonld").json()
    assert [d["dct:identifier"] for d in catalog["dcat:dataset"]] == ["cases-ward-v1"]


def test_catalogue_page_and_release_page_with_map(client: TestClient) -> None:
    page = client.get("/open-data")
    assert page.status_code == 200
    assert 'data-name="cases-ward"' in page.text
    release = client.get("/open-data/cases-ward")
    assert release.status_code == 200
    assert 'id="open-data-map"' in release.text
    assert 'data-url="/api/open-data/releases/cases-ward/v1/map.geojson"' in release.text
    assert "/static/vendor/leaflet/leaflet.js" in release.text
    assert client.get("/open-data-assets/map.js").headers["content-type"].startswith("text/javascript")
