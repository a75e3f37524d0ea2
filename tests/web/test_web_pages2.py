"""Linkage review and the outbreak map in Debian chromium (Playwright): a pair side by side with only the
agreed fields, decided with the keyboard; clusters drawn as circles with the care home pinned, counts only.
Any request to a host other than this machine fails the test (the ``page`` fixture from
test_web_browser.py); screenshots go to test-artifacts/web/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from placehub.govern.audit import entries
from placehub.link.review import decisions
from placehub.store import open_catalogue
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from tests.web import test_web_browser as chromium
from tests.web._web_helpers import PASSWORD, PURPOSE, make_settings, serve
from tests.web._web_pages2_helpers import CASE_CENTRE_UPRN, seed_pages2
from tests.web.test_web_browser import CHECK_PAGE, shot, sign_in

# The browser, and a fresh guarded page per test, as test_web_browser.py sets them up.
browser = chromium.browser
page = chromium.page

pytestmark = [pytest.mark.web, pytest.mark.xdist_group("web")]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path_factory.mktemp("web2") / "home")
    seed_pages2(settings)
    return settings


@pytest.fixture(scope="module")
def base_url(home) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app = create_app(home, WebSettings(secret_key="web2-test-signing-key-" + "z" * 32))
    with serve(app) as url:
        yield url


def _cells(pg, selector: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [r.split("\t") for r in pg.locator(selector).all_inner_texts()]


def test_review_linkage_pairs_with_the_keyboard(page, base_url: str, home) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url)
    page.get_by_role("link", name="Linkage review").click()
    assert page.locator("#pair-count").inner_text() == "3 pairs, most likely matches first."
    page.goto(base_url + "/link-review/1")
    assert urlparse(page.url).path == "/link-review"  # no purpose chosen yet: no record is shown
    assert page.locator("#need-purpose").is_visible()
    page.get_by_label("Purpose you are working under").select_option(PURPOSE)
    page.get_by_role("button", name="Use this purpose").click()
    page.get_by_role("link", name="Review pair 1").click()
    page.wait_for_selector("body[data-shortcuts='ready']")
    assert page.locator("#pair-probability").inner_text() == "0.74"
    # Only the agreement's columns (patient_id, surname, address_line_1, postcode): no date of birth.
    assert _cells(page, "#pair-fields tbody tr") == [
        ["Record id", "C5", "C6", "differs"],
        ["Surname", "EVANS", "FOSTER", "differs"],
        ["Address", "12 High Street, Testbury", "Flat 2 12 Hihg Stret, Testbury", "differs"],
        ["Postcode", "TB1 2BB", "TB1 2BB", "same"],
    ]
    assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}
    shot(page, "link-review-pair")
    page.locator("body").press("a")  # a: the same person
    page.wait_for_url(base_url + "/link-review/2")
    # visits is not shared under this purpose: its side is withheld, not read
    assert page.locator(".withheld").inner_text() == (
        "visits · V9: Not shared with council under purpose clinic-outreach."
    )
    assert _cells(page, "#pair-fields tbody tr")[1] == ["Surname", "ADAMS", "—", "—"]
    shot(page, "link-review-withheld")
    page.locator("body").press("r")  # r: different people
    page.wait_for_url(base_url + "/link-review/3")
    page.locator("body").press("n")  # n: next (the only pair left): back to the queue
    page.wait_for_url(base_url + "/link-review")
    assert page.locator("#pair-count").inner_text() == "1 pair, most likely matches first."

    catalogue = open_catalogue(home.database_url)
    try:
        assert decisions(catalogue) == {
            ("clinic-list|C5", "clinic-list|C6"): "accept",
            ("clinic-list|C1", "visits|V9"): "reject",
        }
        shown = [e for e in entries(catalogue) if e["action"] == "link.review.show"]
        seen = [
            (e["actor"], e["purpose"], e["dataset"], e["row_count"], json.loads(e["columns"])) for e in shown
        ]
        assert [json.loads(e["detail"])["link_pair"] for e in shown] == [1, 2, 3]
        assert seen == [
            ("ana", PURPOSE, "clinic-list", 2, ["patient_id", "surname", "address_line_1", "postcode"]),
            ("ana", PURPOSE, "clinic-list", 1, ["patient_id", "surname", "address_line_1", "postcode"]),
            ("ana", PURPOSE, "clinic-list", 2, ["patient_id", "surname", "address_line_1", "postcode"]),
        ]  # fmt: skip
    finally:
        catalogue.dispose()


def test_the_outbreak_map_shows_clusters_and_the_care_home(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url)
    page.get_by_role("link", name="Outbreak map").click()
    page.wait_for_selector("#outbreak-map[data-ready='1']")
    assert page.locator("#map-title").inner_text() == "Clusters on 05 Mar 2026"
    assert (page.locator("#outbreak-map").get_attribute("data-circles"),
            page.locator("#outbreak-map").get_attribute("data-pins")) == ("2", "1")  # fmt: skip
    assert page.locator(".leaflet-tile").count() == 0  # vector outlines only
    assert _cells(page, "#clusters tbody tr") == [
        ["1", "9", "1.4", "400 m", "02 Mar to 05 Mar 2026 (4 days)", "0.003", "once in 333 days", "1", "0"],
        ["2", "4", "0.6", "0 m", "05 Mar to 05 Mar 2026 (1 day)", "0.008", "once in 125 days", "0", "0"],
    ]
    assert _cells(page, "#nearby tbody tr") == [
        ["1", "care home", "ROSE CARE HOME, 20 HIGH STREET, TESTBURY", "100000000008", "45 m"]
    ]
    page.locator("path[data-cluster='1']").hover()
    assert page.locator("#map-info").inner_text() == (
        "Cluster 1: 9 cases (1.4 expected) within 400 m, 2026-03-02 to 2026-03-05, p = 0.003, "
        "recurrence once in 333 days"
    )
    page.locator(".place-pin.care-home").hover()
    assert page.locator("#map-info").inner_text() == (
        "care home: ROSE CARE HOME, 20 HIGH STREET, TESTBURY (45 m from cluster 1's centre)"
    )
    assert CASE_CENTRE_UPRN not in page.content()  # the centre is a case's address: never shown
    assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}
    shot(page, "outbreak-map")

    page.get_by_label("Analysis day").select_option("2026-03-04")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#outbreak-map[data-ready='1']")
    assert page.locator("#map-title").inner_text() == "Clusters on 04 Mar 2026"
    assert page.locator("#clusters tbody tr").count() == 1
    geo = page.request.get(base_url + "/api/outbreaks/map?day=2026-03-04").json()
    kinds = [f["properties"]["kind"] for f in geo["features"]]
    assert kinds == ["ward", "ward", "cluster", "care home"]
    assert CASE_CENTRE_UPRN not in json.dumps(geo)


def test_the_ig_officer_is_refused_both_pages(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url, "iggy")
    assert page.get_by_role("link", name="Outbreak map").count() == 0
    assert page.get_by_role("link", name="Linkage review").count() == 0
    for path in ("/outbreaks", "/link-review"):
        response = page.goto(base_url + path)
        assert response.status == 403
        assert page.locator("#error-message").inner_text() == (
            "Your role (ig_officer) cannot use this page; it is for: analyst."
        )


def test_the_api_decides_pairs_with_a_token_and_refuses_partner_workers(home, base_url: str) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from placehub.govern import Role, add_organisation, add_user, create_token

    catalogue = open_catalogue(home.database_url)
    try:
        add_organisation(catalogue, "food-bank", "Testbury Food Bank")
        add_user(catalogue, "pat", "food-bank", Role.PARTNER_WORKER, None)
        analyst, partner = create_token(catalogue, "ana", PURPOSE), create_token(catalogue, "pat", PURPOSE)
    finally:
        catalogue.dispose()
    h = {"Authorization": f"Bearer {analyst}"}
    pairs = httpx.get(base_url + "/api/link-review", headers=h).json()
    assert pairs[-1] == {"pair_id": 3, "record_l": "clinic-list|C2", "record_r": "clinic-list|C4",
                         "match_probability": 0.55}  # fmt: skip
    detail = httpx.get(base_url + "/api/link-review/3", headers=h).json()
    assert (detail["left"]["values"], detail["right"]["values"]["surname"]) == (
        {"record id": "C2", "surname": "BROWN", "address": "3 Mill Lane, Testbury", "postcode": "TB1 1AA"},
        "DAVIES",
    )
    r = httpx.post(base_url + "/api/link-review/3", headers=h, json={"decision": "reject", "note": "twins?"})
    decided = {"pair_id": 3, "record_l": "clinic-list|C2", "record_r": "clinic-list|C4", "decision": "reject"}
    assert (r.status_code, r.json()) == (200, decided)
    assert 3 not in [p["pair_id"] for p in httpx.get(base_url + "/api/link-review", headers=h).json()]
    refused = httpx.get(base_url + "/api/link-review", headers={"Authorization": f"Bearer {partner}"})
    assert (refused.status_code, refused.json()["error"]) == (
        403, "Your role (partner_worker) cannot use this page; it is for: analyst.")  # fmt: skip
    outbreaks = httpx.get(base_url + "/api/outbreaks?day=2026-03-04", headers=h).json()
    assert [(c["observed"], c["days"], c["p_value"], c["recurrence"]) for c in outbreaks["clusters"]] == [
        (6, 3, 0.006, "once in 167 days")]  # fmt: skip
    assert httpx.get(base_url + "/api/outbreaks?day=2026-01-01", headers=h).status_code == 404


def test_both_pages_on_an_empty_home_say_so_and_create_no_vault(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.web._web_helpers import seed_people

    settings = make_settings(tmp_path / "home")
    seed_people(settings)
    app = create_app(settings, WebSettings(secret_key="web2-empty-key-" + "e" * 32))
    with serve(app) as url:
        sign_in(page, url)
        page.goto(url + "/link-review")
        assert page.locator("#no-pairs").inner_text() == "No pairs are waiting for review."
        page.goto(url + "/outbreaks")
        assert (
            page.locator("#no-outbreaks").inner_text().startswith("No outbreak scan has raised an alert yet.")
        )
    assert not settings.vault_path.exists()


COHORT = "shielding-support"


@pytest.fixture(scope="module")
def act_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """The act tests' borough (tests/integration/_act_helpers.py), the cohort built and assigned, and two
    partner workers and an analyst who can sign in: tomweb (food-network), ginaweb (good-neighbours) and
    priyaweb (council)."""
    from placehub.act import assign_cohort, build_cohort
    from placehub.govern import Role, add_user
    from tests.integration._act_helpers import AS_OF, access_for, assignment_world

    settings = make_settings(tmp_path_factory.mktemp("act-web") / "home")
    world = assignment_world(settings)
    priya = access_for(world, "priya")
    build_cohort(settings, priya, COHORT, now=AS_OF)
    assign_cohort(settings, priya, COHORT, now=AS_OF)
    add_user(world.catalogue, "tomweb", "food-network", Role.PARTNER_WORKER, PASSWORD)
    add_user(world.catalogue, "ginaweb", "good-neighbours", Role.PARTNER_WORKER, PASSWORD)
    add_user(world.catalogue, "priyaweb", "council", Role.ANALYST, PASSWORD)
    app = create_app(settings, WebSettings(secret_key="web2-act-key-" + "w" * 32))
    with serve(app) as url:
        yield url, world
    world.catalogue.dispose()


def _open_worklist(pg, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(pg, url, username)
    pg.goto(url + "/worklists")
    pg.get_by_label("Purpose you are working under").select_option(COHORT)
    pg.get_by_role("button", name="Use this purpose").click()
    pg.locator(f"#cohorts a[href='/worklists/{COHORT}']").click()
    pg.wait_for_url(f"{url}/worklists/{COHORT}")


def test_partner_a_filters_the_worklist_by_ward_and_never_sees_b(page, act_url) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from placehub.act import worklist
    from placehub.govern import create_token
    from tests.integration._act_helpers import access_for

    url, world = act_url
    ward = "E05999001"  # tom's SPL1 lives here, and so do gina's SPL2 and SPL3
    mine = worklist(world.settings, access_for(world, "tom"), COHORT, ward=ward)
    assert [r[4] for r in mine.rows] == ["SPL1"]
    _open_worklist(page, url, "tomweb")
    assert page.locator("#ward-choice option").all_inner_texts() == ["every ward", "E05999001", "E05999002"]
    page.get_by_label("Ward", exact=True).select_option(ward)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"{url}/worklists/{COHORT}?ward={ward}")
    rows = _cells(page, "#worklist tbody tr")
    assert [(r[0], r[4], r[-2]) for r in rows] == [(mine.rows[0][0], "SPL1", ward)]
    assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}
    shot(page, "worklist-ward-filter")

    api = f"{url}/api/worklists/{COHORT}"
    tokens = {u: create_token(world.catalogue, u, COHORT) for u in ("tomweb", "ginaweb")}
    seen = {
        u: httpx.get(api, params={"ward": ward}, headers={"Authorization": f"Bearer {t}"}).json()
        for u, t in tokens.items()
    }
    assert [(r[4], w) for r, w in zip(seen["tomweb"]["rows"], seen["tomweb"]["wards"], strict=True)] == [
        ("SPL1", ward)]  # fmt: skip
    assert [r[4] for r in seen["ginaweb"]["rows"]] == ["SPL2", "SPL3"]
    assert (seen["tomweb"]["ward_choices"], seen["ginaweb"]["ward_choices"]) == (
        ["E05999001", "E05999002"], ["E05999001"])  # fmt: skip


def test_partner_a_records_an_outcome_that_partner_b_cannot_see(page, act_url) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from placehub.act import worklist
    from placehub.govern import create_token
    from tests.integration._act_helpers import access_for

    url, world = act_url
    # what act itself gives each organisation (food-network, good-neighbours): the page must show exactly that
    expected = {
        u: [r[4] for r in worklist(world.settings, access_for(world, u), COHORT).rows]
        for u in ("tom", "gina")
    }
    assert expected["tom"] and expected["gina"] and not set(expected["tom"]) & set(expected["gina"])
    _open_worklist(page, url, "tomweb")
    rows = page.locator("#worklist tbody tr")
    case = rows.first.locator("td").first.inner_text()
    assert page.locator("#worklist tbody tr td:nth-child(5)").all_inner_texts() == expected["tom"]
    assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}
    page.get_by_label(f"Outcome for {case}").select_option("contacted")
    page.get_by_label(f"Note for {case}").fill("Spoke on the doorstep")
    rows.first.get_by_role("button", name="Record").click()
    page.wait_for_selector("#outcome-list")
    assert _cells(page, "#outcome-list tbody tr")[0][:5] == [
        case, "contacted", "", "Spoke on the doorstep", "tomweb (food-network)"]  # fmt: skip
    shot(page, "worklist-partner-a")
    page.locator(".who button").click()  # sign out

    _open_worklist(page, url, "ginaweb")
    assert page.locator("#worklist tbody tr td:nth-child(5)").all_inner_texts() == expected["gina"]
    assert page.locator("#no-outcomes").inner_text() == "No outcome has been recorded that you may see."
    assert "Spoke on the doorstep" not in page.content()
    shot(page, "worklist-partner-b")

    tokens = {u: create_token(world.catalogue, u, COHORT) for u in ("tomweb", "ginaweb")}
    api = f"{url}/api/worklists/{COHORT}/outcomes"
    seen = {u: httpx.get(api, headers={"Authorization": f"Bearer {t}"}).json() for u, t in tokens.items()}
    assert [(o["case_ref"], o["note"]) for o in seen["tomweb"]] == [(case, "Spoke on the doorstep")]
    assert seen["ginaweb"] == []
    refused = httpx.post(api, headers={"Authorization": f"Bearer {tokens['ginaweb']}"},
                         json={"case_ref": case, "status": "contacted"})  # fmt: skip
    assert refused.status_code == 403
    assert "rule: not_assigned" in refused.json()["error"]


def test_escalations_list_overdue_cases_by_ward_for_the_council_only(page, act_url) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from placehub.act import escalations
    from tests.integration._act_helpers import access_for

    url, world = act_url
    # act's own answer today (the cohort was built on 2 November 2026): the page must show exactly that
    overdue = escalations(world.settings, access_for(world, "priya"), COHORT, now=datetime.now(UTC))
    sign_in(page, url, "priyaweb")
    page.goto(url + "/worklists")
    page.get_by_label("Purpose you are working under").select_option(COHORT)
    page.get_by_role("button", name="Use this purpose").click()
    page.get_by_role("link", name="Escalations").click()
    assert [r[0] for r in _cells(page, "#escalations tbody tr")] == [e.case_ref for e in overdue]
    ward = sorted({e.ward for e in overdue if e.ward})[0]
    page.get_by_label("Ward").select_option(ward)
    page.get_by_role("button", name="Show").click()
    assert [r[0] for r in _cells(page, "#escalations tbody tr")] == [
        e.case_ref for e in overdue if e.ward == ward]  # fmt: skip
    assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}
    shot(page, "escalations")
    page.locator(".who button").click()
    sign_in(page, url, "tomweb")
    assert page.get_by_role("link", name="Escalations").count() == 0
    assert page.goto(url + "/escalations").status == 403
