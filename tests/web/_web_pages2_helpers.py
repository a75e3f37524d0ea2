"""The web test home (tests/web/_web_helpers.py) plus what the linkage review and outbreak map pages read.

Linkage: three uncertain pairs in ``link_review_pairs`` shaped as the link stage writes it (docs/linkage.md):
1. clinic-list|C5 (waiting for match review: no confirmed place) with clinic-list|C6, probability 0.74;
2. clinic-list|C1 with visits|V9 (visits is not shared under the clinic-outreach agreement), 0.61;
3. clinic-list|C2 with clinic-list|C4, 0.55.
Outbreaks: one surveillance run saved with ``placehub.insight.outbreak.save_alerts``: on 5 March 2026 two
clusters (9 cases within 400 m near Rose Care Home; 4 cases at one address), on 4 March one cluster.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from placehub.insight.outbreak import Alert, NearbyPlace, OutbreakRun, OutbreakSettings, save_alerts
from placehub.settings import Settings
from tests.web._web_helpers import seed_home

PAIRS = [
    (1, "clinic-list|C5", "clinic-list|C6", 0.74, 1.5, "P000000005", "P000000006"),
    (2, "clinic-list|C1", "visits|V9", 0.61, 0.7, "P000000001", "P000000009"),
    (3, "clinic-list|C2", "clinic-list|C4", 0.55, 0.3, "P000000002", "P000000004"),
]
CARE_HOME = NearbyPlace("100000000008", "care home", "ROSE CARE HOME, 20 HIGH STREET, TESTBURY", 44.72136)
CASE_CENTRE_UPRN = "100000000007"  # a case's address: must never reach a page
MARCH = dt.date(2026, 3, 5)


def alerts() -> list[Alert]:
    d = dt.date
    return [
        Alert(MARCH, 1, 9, 1.4, 400.0, d(2026, 3, 2), MARCH, 12.3, 0.003, 333.3333, CASE_CENTRE_UPRN,
              530720.0, 180210.0, (CARE_HOME,)),
        Alert(MARCH, 2, 4, 0.6, 0.0, MARCH, MARCH, 6.1, 0.008, 125.0, "100000000001", 530100.0, 180100.0, ()),
        Alert(d(2026, 3, 4), 1, 6, 1.1, 350.0, d(2026, 3, 2), d(2026, 3, 4), 8.2, 0.006, 166.6667,
              CASE_CENTRE_UPRN, 530720.0, 180210.0, (CARE_HOME,)),
    ]  # fmt: skip


def seed_pairs(settings: Settings) -> None:
    with duckdb.connect(str(settings.vault_path)) as con:
        con.execute(
            "create or replace table link_review_pairs (pair_id integer, unique_id_l varchar, "
            "unique_id_r varchar, match_probability double, match_weight double, person_id_l varchar, "
            "person_id_r varchar, run_id integer)"
        )
        con.executemany("insert into link_review_pairs values (?, ?, ?, ?, ?, ?, ?, 1)", PAIRS)


def seed_alerts(settings: Settings) -> None:
    run = OutbreakRun("run20260305", OutbreakSettings(), {}, alerts(), cases_used=180, cases_unlocated=2)
    with duckdb.connect(str(settings.vault_path)) as con:
        save_alerts(con, run)


def seed_pages2(settings: Settings) -> None:
    seed_home(settings)
    seed_pairs(settings)
    seed_alerts(settings)
