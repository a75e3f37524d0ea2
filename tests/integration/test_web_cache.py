"""The web app's cached aggregates follow the vault: a write by another process (as the command line makes)
shows on the next request, and a review decision made in the app takes the item off the queue at once.

The app is served by uvicorn on a loopback port in this process; the vault is changed from a separate Python
process, as `placehub index build` or a load would change it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from placehub.govern import create_token
from placehub.settings import Settings
from placehub.store import open_catalogue
from placehub.web import vault_read
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from placehub.web.dashboard_data import vault_counts
from placehub.web.map_data import choropleth, choropleth_json
from placehub.web.review_data import queue_rows
from tests.web._web_helpers import LSOA_A, LSOA_B, PURPOSE, make_settings, seed_home

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web-cache"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # fmt: skip


@pytest.fixture
def world(tmp_path) -> Iterator[tuple[str, dict[str, str], Settings]]:  # type: ignore[no-untyped-def]
    from tests.web._web_helpers import serve

    settings = make_settings(tmp_path / "home")
    seed_home(settings)
    catalogue = open_catalogue(settings.database_url)
    headers = {"Authorization": f"Bearer {create_token(catalogue, 'ana', PURPOSE)}"}
    app = create_app(settings, WebSettings(secret_key="cache-test-key-" + "z" * 32))
    with serve(app) as base:
        yield base, headers, settings
    catalogue.dispose()


def write_vault_elsewhere(settings: Settings, *statements: str) -> None:
    """Run SQL against the vault from another process (read-write), as a CLI command would."""
    code = (
        "import duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "for s in sys.argv[2:]:\n"
        "    con.execute(s)\n"
        "con.close()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(settings.vault_path), *statements], check=True)


def values_by_area(geojson: dict) -> dict[str, float]:
    return {f["properties"]["code"]: f["properties"]["value"] for f in geojson["features"]}


def test_map_and_dashboard_figures_follow_a_write_by_another_process(world) -> None:  # type: ignore[no-untyped-def]
    base, h, settings = world
    assert (LSOA_A, LSOA_B) == ("E01000001", "E01000002")  # the codes written below
    url = base + "/api/maps/test-index?level=lsoa&component=index"
    assert values_by_area(httpx.get(url, headers=h).json()) == {LSOA_A: 0.25, LSOA_B: 0.75}
    assert [(c["index"], c["level"]) for c in httpx.get(base + "/api/indices", headers=h).json()] == [
        ("test-index", "lsoa")
    ]
    # unchanged vault: the same objects come back from memory
    first = choropleth(settings, "test-index", "lsoa")
    assert choropleth(settings, "test-index", "lsoa") is first
    assert vault_counts(settings) is vault_counts(settings)

    write_vault_elsewhere(
        settings,
        "update index_values set value = 0.5 where \"index\" = 'test-index' and area_code = 'E01000001'",
        "insert into index_values values ('second-index', 'E01000002', 'lsoa', 'index', 'index', 0.1, 1, 1)",
        "update matches set status = 'unmatched' where status = 'review'",
    )

    served = httpx.get(url, headers=h).json()
    assert values_by_area(served) == {LSOA_A: 0.5, LSOA_B: 0.75}
    assert json.loads(choropleth_json(settings, "test-index", "lsoa")) == served
    assert [(c["index"], c["level"]) for c in httpx.get(base + "/api/indices", headers=h).json()] == [
        ("second-index", "lsoa"),
        ("test-index", "lsoa"),
    ]
    assert choropleth(settings, "test-index", "lsoa") is not first
    rates = httpx.get(base + "/api/dashboard", headers=h).json()["match_rates"]
    assert [(r["source"], r["records"], r["auto"], r["review"], r["unmatched"]) for r in rates] == [
        ("clinic-list", 6, 5, 0, 1)
    ]


def test_a_review_decision_takes_the_item_off_the_queue_at_once(world) -> None:  # type: ignore[no-untyped-def]
    base, h, settings = world
    queue = httpx.get(base + "/api/review", headers=h).json()
    assert [(q["item_id"], q["source"], q["record_id"]) for q in queue] == [(1, "clinic-list", "C5")]
    rates = httpx.get(base + "/api/dashboard", headers=h).json()["match_rates"]
    assert [(r["auto"], r["reviewed"], r["review"]) for r in rates] == [(5, 0, 1)]

    r = httpx.post(base + "/api/review/1", headers=h, json={"decision": "reject"})
    assert (r.status_code, r.json()) == (
        200, {"item_id": 1, "source": "clinic-list", "uprn": None, "records_updated": 1})  # fmt: skip

    assert httpx.get(base + "/api/review", headers=h).json() == []
    assert queue_rows(settings) == ()
    gone = httpx.get(base + "/api/review/1", headers=h)
    assert (gone.status_code, gone.json()["error"]) == (
        404, "Review item 1 is not open: it was decided already or does not exist.")  # fmt: skip
    rates = httpx.get(base + "/api/dashboard", headers=h).json()["match_rates"]
    assert [(r["auto"], r["reviewed"], r["review"]) for r in rates] == [(5, 1, 0)]


def test_invalidate_forgets_and_errors_are_not_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "home")
    calls: list[int] = []

    def compute() -> tuple[int, ...]:
        calls.append(1)
        return (len(calls),)

    assert vault_read.cached(settings, "test.count", compute) == (1,)
    assert vault_read.cached(settings, "test.count", compute) == (1,)
    vault_read.invalidate()
    assert vault_read.cached(settings, "test.count", compute) == (2,)

    def fail() -> int:
        calls.append(1)
        raise LookupError("not yet")

    for _ in range(2):
        with pytest.raises(LookupError):
            vault_read.cached(settings, "test.fail", fail)
    assert len(calls) == 4
