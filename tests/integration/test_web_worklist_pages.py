"""A long worklist comes in pages (in priority order, the ward filter kept), and the outcomes under it are the
latest few, newest first, with every outcome on a page of its own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from placehub.act.outcomes import record_outcome
from placehub.act.worklist import worklist
from placehub.govern import create_token
from placehub.govern.audit import entries
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from placehub.web.routes import worklists as worklist_routes
from tests.integration._act_helpers import AS_OF, access_for, assigned_world

COHORT = "shielding-support"
CASE = re.compile(r'name="case_ref" value="([^"]+)"')


@pytest.fixture
def client(settings, catalogue_url, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(worklist_routes, "PAGE_SIZE", 1)
    monkeypatch.setattr(worklist_routes, "LATEST_OUTCOMES", 1)
    w = assigned_world(settings, catalogue_url, COHORT)
    token = create_token(w.catalogue, "tom", COHORT)
    app = create_app(w.settings, WebSettings(secret_key="worklist-pages-key-" + "p" * 32))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c, w
    w.catalogue.dispose()


def test_a_long_worklist_comes_in_pages(client) -> None:  # type: ignore[no-untyped-def]
    c, w = client
    tom = access_for(w, "tom")
    whole = worklist(w.settings, tom, COHORT)
    n = len(whole.rows)
    assert n >= 2
    pages = [c.get(f"/worklists/{COHORT}", params={"page": p}).text for p in range(1, n + 1)]
    assert [CASE.findall(p) for p in pages] == [[r[0]] for r in whole.rows]  # one each, in priority order
    assert f"{n} people for food-network" in pages[0] and f"Showing {n}–{n}." in pages[-1]
    assert 'rel="next"' in pages[0] and 'rel="prev"' not in pages[0]
    assert 'rel="prev"' in pages[-1] and 'rel="next"' not in pages[-1]
    # every page view is in the audit chain: the access opened, the rows read, the outcomes read, together
    assert [(e["action"], e["actor"]) for e in entries(w.catalogue)[-3:]] == [
        ("access.open", "tom"), ("access.rows", "tom"), ("act.outcome.read", "tom")]  # fmt: skip
    beyond = c.get(f"/worklists/{COHORT}", params={"page": 99}).text  # past the end: the last page
    assert CASE.findall(beyond) == [whole.rows[-1][0]]
    ward = whole.wards[0]
    in_ward = worklist(w.settings, tom, COHORT, ward=ward)
    first = c.get(f"/worklists/{COHORT}", params={"ward": ward}).text
    assert CASE.findall(first) == [in_ward.rows[0][0]]
    if len(in_ward.rows) > 1:
        assert f'href="/worklists/{COHORT}?page=2&amp;ward={ward}"' in first


def test_the_latest_outcomes_show_under_the_worklist(client) -> None:  # type: ignore[no-untyped-def]
    c, w = client
    tom = access_for(w, "tom")
    cases = [r[0] for r in worklist(w.settings, tom, COHORT).rows[:2]]
    for hours, (case, note) in enumerate(zip(cases, ["first call", "second call"], strict=True), start=1):
        at = AS_OF + timedelta(hours=hours)
        record_outcome(w.settings, tom, COHORT, case, "unreachable", note=note, occurred_at=at, now=at)
    page = c.get(f"/worklists/{COHORT}").text
    assert "second call" in page and "first call" not in page  # the newest only (one, in this test)
    assert "The latest 1 of 2, newest first." in page
    every = c.get(f"/worklists/{COHORT}/outcomes")
    assert every.status_code == 200
    assert every.text.index("first call") < every.text.index("second call")  # oldest first
    assert "2 outcomes you may see" in every.text


def test_a_contact_recorded_here_takes_the_person_off_the_next_page(client) -> None:  # type: ignore[no-untyped-def]
    # the page's governed rows stay in memory across the write (it changes only the act tables); which
    # members are open is read afresh, so the person contacted is gone at once
    c, w = client
    before = [CASE.findall(c.get(f"/worklists/{COHORT}", params={"page": p}).text)[0] for p in (1, 2)]
    done = c.post(f"/api/worklists/{COHORT}/outcomes", json={"case_ref": before[0], "status": "contacted"})
    assert done.status_code == 200
    after = c.get(f"/worklists/{COHORT}").text
    assert CASE.findall(after) == [before[1]]
    total = len(worklist(w.settings, access_for(w, "tom"), COHORT).rows)
    assert f"{total} {'person' if total == 1 else 'people'} for food-network" in after
