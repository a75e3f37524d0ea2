"""The JSON API with API tokens (Authorization: Bearer): roles, the agreement access path, CSRF for cookie
callers, uploads, and the OpenAPI document — against the app served by uvicorn on a loopback port."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from placehub.govern import create_token
from placehub.govern.audit import entries
from placehub.store import open_catalogue
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from tests.web._web_helpers import PASSWORD, PURPOSE, make_settings, seed_home, serve, write_csv

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web-api"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], object]]:
    settings = make_settings(tmp_path_factory.mktemp("api") / "home")
    seed_home(settings)
    catalogue = open_catalogue(settings.database_url)
    tokens = {
        "analyst": create_token(catalogue, "ana", PURPOSE),
        "ig": create_token(catalogue, "iggy", PURPOSE),
        "no-agreement": create_token(catalogue, "ana", "no-such-purpose"),
        "other-analyst": create_token(catalogue, "ben", PURPOSE),
    }
    app = create_app(settings, WebSettings(secret_key="api-test-key-" + "y" * 32))
    with serve(app) as base:
        yield base, tokens, catalogue
    catalogue.dispose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_and_bad_token_are_401(world) -> None:  # type: ignore[no-untyped-def]
    base, _, _ = world
    r = httpx.get(base + "/api/dashboard")
    assert (r.status_code, r.json(), r.headers["www-authenticate"]) == (
        401, {"error": "Sign in to see this page.", "status": 401}, "Bearer")  # fmt: skip
    r = httpx.get(base + "/api/dashboard", headers=bearer("phk_not-a-real-token"))
    assert (r.status_code, r.json()["error"]) == (
        401,
        "Token refused (rule: token): unknown or revoked API token.",
    )


def test_token_review_reads_through_the_agreement_and_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    base, tokens, catalogue = world
    h = bearer(tokens["analyst"])
    assert httpx.get(base + "/api/me", headers=h).json() == {
        "username": "ana", "organisation": "council", "role": "analyst", "purpose": PURPOSE,
        "authenticated_by": "token"}  # fmt: skip
    queue = httpx.get(base + "/api/review", headers=h).json()
    assert [(q["item_id"], q["source"], q["record_id"], q["candidates"]) for q in queue] == [
        (1, "clinic-list", "C5", 1)]  # fmt: skip
    item = httpx.get(base + "/api/review/1", headers=h).json()
    assert (item["address"], item["postcode"], item["suggested_uprn"]) == (
        "12 High Street, Testbury", "TB1 2BB", "100000000004")  # fmt: skip
    assert [(c["uprn"], c["lat"], c["lon"]) for c in item["candidates"]] == [
        ("100000000004", 51.505627, -0.1182)
    ]
    shown = [e for e in entries(catalogue) if e["action"] == "match.review.show"]
    assert [(e["actor"], e["purpose"], e["dataset"], e["outcome"], e["row_count"]) for e in shown] == [
        ("ana", PURPOSE, "clinic-list", "allowed", 1)]  # fmt: skip

    refused = httpx.get(base + "/api/review/1", headers=bearer(tokens["no-agreement"]))
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("Access refused (rule: no_agreement) for ana at council")

    ig = httpx.get(base + "/api/review/1", headers=bearer(tokens["ig"]))
    assert (ig.status_code, ig.json()["error"]) == (
        403, "Your role (ig_officer) cannot use this page; it is for: analyst.")  # fmt: skip
    assert httpx.get(base + "/api/dashboard", headers=bearer(tokens["ig"])).status_code == 200

    decided = httpx.post(base + "/api/review/1", headers=h, json={"decision": "reject"})
    assert decided.json() == {"item_id": 1, "source": "clinic-list", "uprn": None, "records_updated": 1}
    rates = httpx.get(base + "/api/dashboard", headers=h).json()["match_rates"]
    assert rates == [{"source": "clinic-list", "records": 6, "auto": 5, "reviewed": 1, "review": 0,
                      "unmatched": 0, "matched_rate": 1.0}]  # fmt: skip


def test_upload_through_the_api(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, tokens, _ = world
    h = bearer(tokens["analyst"])
    bad = write_csv(tmp_path / "visits.csv", ["visit_id", "address"], [("V1", "1 Mill Lane")])
    with bad.open("rb") as fh:
        r = httpx.post(base + "/api/loads", headers=h, data={"source": "visits"}, files={"file": fh})
    assert (r.status_code, r.json()["error"], r.json()["load_id"]) == (
        422, "The header of 'visits.csv' does not match the contract for 'visits': "
             "missing columns: date_of_birth, postcode.", None)  # fmt: skip
    rows = [("V1", "01/01/1950", "1 Mill Lane", "TB1 1AA"), ("V1", "02/01/1950", "3 Mill Lane", "TB1 1AA")]
    dup = write_csv(tmp_path / "visits2.csv", ["visit_id", "date_of_birth", "address", "postcode"], rows)
    with dup.open("rb") as fh:
        r = httpx.post(base + "/api/loads", headers=h, data={"source": "visits"}, files={"file": fh})
    body = r.json()
    assert (r.status_code, body["rows_total"], body["rows_accepted"], body["rows_rejected"]) == (201, 2, 0, 2)
    assert (body["rows_shown"], len(body["rejects"])) == (True, 2)
    # The reasons quote the file's cells: another analyst sees the counts but not the rows.
    other = httpx.get(f"{base}/api/loads/{body['load_id']}", headers=bearer(tokens["other-analyst"])).json()
    assert (other["rows_rejected"], other["rows_shown"], other["rejects"]) == (2, False, [])


def test_a_session_caller_needs_the_csrf_header(world) -> None:  # type: ignore[no-untyped-def]
    base, _, _ = world
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        client.post(
            "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": "/"}
        )
        r = client.post("/api/review/1", json={"decision": "reject"})
        assert r.status_code == 403
        assert r.json()["error"].startswith("The form could not be accepted because its security token")
        forged = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"})
        assert forged.status_code == 403


def test_openapi_document_lists_every_capability(world) -> None:  # type: ignore[no-untyped-def]
    base, _, _ = world
    doc = httpx.get(base + "/api/openapi.json").json()
    assert sorted(doc["paths"]) == [
        "/api/areas/{level}/{code}", "/api/dashboard", "/api/escalations/{cohort}", "/api/health",
        "/api/indices", "/api/link-review", "/api/link-review/{pair_id}", "/api/loads",
        "/api/loads/{load_id}",
        "/api/maps/{index}", "/api/me", "/api/open-data/catalog.jsonld", "/api/open-data/releases",
        "/api/open-data/releases/{name}", "/api/open-data/releases/{name}/{version}/{file}", "/api/outbreaks",
        "/api/outbreaks/map", "/api/register", "/api/review", "/api/review/{item_id}", "/api/sources",
        "/api/worklists/{cohort}", "/api/worklists/{cohort}/outcomes",
    ]  # fmt: skip
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


SAMPLES = {
    "index": ["test-index", "no-such-index", "'; drop table areas; --"],
    "level": ["lsoa", "ward", "county"],
    "code": ["E01000001", "E99999999", "../../etc/passwd"],
    "load_id": ["1", "999999", "-1"],
    "item_id": ["1", "999999", "0"],
    "pair_id": ["1", "999999", "0"],
    "cohort": ["shielding-support", "no-such-cohort", "../../etc/passwd"],
    "name": ["shielding-cohort-by-ward", "no-such-release", "../../etc/passwd"],
    "version": ["1", "999", "x"],
    "file": ["data.csv", "datapackage.json", "../../catalogue.db"],
}


def test_no_server_errors_on_any_get_path(world) -> None:  # type: ignore[no-untyped-def]
    """Every GET in the OpenAPI document, with good, missing and hostile values: never a 5xx."""
    base, tokens, _ = world
    doc = httpx.get(base + "/api/openapi.json").json()
    statuses: dict[str, set[int]] = {}
    for path, ops in doc["paths"].items():
        if "get" not in ops:
            continue
        names = re.findall(r"{(\w+)}", path)
        for n in range(3):
            url = path
            for name in names:
                url = url.replace("{" + name + "}", httpx.URL("/" + SAMPLES[name][n]).raw_path.decode()[1:])
            for query in ("", "?level=ward&component=nope&source=clinic-list"):
                r = httpx.get(base + url + query, headers=bearer(tokens["analyst"]))
                statuses.setdefault(path, set()).add(r.status_code)
    assert {p: s for p, s in statuses.items() if max(s) >= 500} == {}
    assert statuses["/api/maps/{index}"] == {200, 404}
