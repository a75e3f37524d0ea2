"""Readers side by side under the app's vault lock: worklists and review items read at once from many threads
give the same answers as one at a time, a writer (an outcome, a review decision) takes its turn without a
DuckDB configuration clash, and every read is one entry on an audit chain that still verifies."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from placehub.act.outcomes import read_outcomes, record_outcome
from placehub.act.worklist import read_connection, worklist
from placehub.govern import create_token
from placehub.govern.audit import entries, verify
from placehub.store import open_catalogue
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from placehub.web.deps import VAULT_LOCK
from tests.integration._act_helpers import AS_OF, access_for, assigned_world
from tests.web._web_helpers import PURPOSE, make_settings, seed_home, serve

COHORT = "shielding-support"
THREADS = 8


def together(n: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` for i in 0..n-1 on n threads released at the same moment."""
    start = threading.Barrier(n, timeout=30)

    def run(i: int) -> object:
        start.wait()
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.fixture
def world(settings, catalogue_url):  # type: ignore[no-untyped-def]
    w = assigned_world(settings, catalogue_url, COHORT)  # SQLite and PostgreSQL catalogues
    yield w
    w.catalogue.dispose()


def test_worklists_read_together_match_one_at_a_time(world) -> None:  # type: ignore[no-untyped-def]
    s = world.settings
    users = ["tom", "gina"]
    accesses = {u: access_for(world, u) for u in users}
    alone = {u: worklist(s, a, COHORT) for u, a in accesses.items()}
    gina_case = alone["gina"].rows[0][0]

    def page(i: int) -> object:
        if i == THREADS - 1:  # a writer among the readers: gina records an outcome, alone
            with VAULT_LOCK:
                at = AS_OF + timedelta(hours=2)
                return record_outcome(s, accesses["gina"], COHORT, gina_case, "unreachable", now=at)
        access = accesses[users[i % 2]]
        with VAULT_LOCK.shared(), read_connection(access) as con:
            return worklist(s, access, COHORT, con=con), read_outcomes(s, access, COHORT, con=con)

    results = together(THREADS, page)
    for i, result in enumerate(results[:-1]):
        wl, _ = result  # type: ignore[misc]
        assert wl == alone[users[i % 2]]  # 'unreachable' keeps gina's member open: same rows either way
    assert results[-1].status == "unreachable"  # type: ignore[union-attr]
    assert VAULT_LOCK.state() == (0, False, 0)
    chain = verify(world.catalogue)
    assert chain.ok, chain.message()
    reads = Counter(e["actor"] for e in entries(world.catalogue) if e["action"] == "access.rows")
    # one access.rows entry per worklist read (one each alone, then seven together), and one act.outcome.read
    assert (reads["tom"], reads["gina"]) == (1 + 4, 1 + 3)
    outcome_reads = Counter(e["actor"] for e in entries(world.catalogue) if e["action"] == "act.outcome.read")
    assert outcome_reads == {"tom": 4, "gina": 3}


@pytest.mark.slow
@pytest.mark.xdist_group("web-concurrent")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_app_serves_governed_reads_side_by_side(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "home")
    seed_home(settings)
    catalogue = open_catalogue(settings.database_url)
    h = {"Authorization": f"Bearer {create_token(catalogue, 'ana', PURPOSE)}"}
    app = create_app(settings, WebSettings(secret_key="concurrent-test-key-" + "c" * 32))
    pages = ["/api/review/1", "/api/review", "/api/dashboard", "/api/indices"]
    with serve(app) as base, httpx.Client(base_url=base, headers=h, timeout=60) as client:
        statuses = together(16, lambda i: client.get(pages[i % len(pages)]).status_code)
        assert statuses == [200] * 16
        # then a decision (the vault written, alone) and reads again: the item has left the queue
        assert client.get("/api/review").json()[0]["item_id"] == 1
        decided = together(
            4,
            lambda i: (
                client.post("/api/review/1", json={"decision": "reject"}).status_code
                if i == 0
                else client.get("/api/dashboard").status_code
            ),
        )
        assert decided == [200, 200, 200, 200]
        assert client.get("/api/review").json() == []
    shown = [e for e in entries(catalogue) if e["action"] == "match.review.show"]
    assert [(e["actor"], e["outcome"], e["row_count"]) for e in shown] == [("ana", "allowed", 1)] * 4
    chain = verify(catalogue)
    assert chain.ok, chain.message()
    catalogue.dispose()
