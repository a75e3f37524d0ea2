"""A small governed world for govern tests: contracts, a vault per docs/vault.md, organisations, users,
agreements.

Layout of the vault (two sources, one load each):

    shielded-list  P1 ward IN, auto        → in scope
                   P2 ward OUT, auto       → out of scope
                   P3 ward OUT, LSOA IN    → in scope (by LSOA), reviewed
                   P4 ward IN, status review → out (an unconfirmed match proves no place)
                   P5 unmatched            → out
                   P6 ward IN, auto        → in scope
    food-support   F1, F2 ward IN
    assignments    food-network works P1, P2, P6 for every purpose below
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import yaml

from placehub.govern import Role, add_agreement, add_organisation, add_user
from placehub.govern.agreement import ContractLookup
from placehub.govern.scope_query import ensure_assignments
from placehub.settings import Settings
from placehub.store import Catalogue

WARD_IN = "E05013722"
WARD_OUT = "E05013730"
LSOA_IN = "E01000003"
SHIELDED_COLUMNS = [
    "patient_id",
    "nhs_number",
    "forename",
    "surname",
    "date_of_birth",
    "address_line_1",
    "postcode",
]
FOOD_COLUMNS = ["client_ref", "name", "address", "postcode"]
AGREED_COLUMNS = ["patient_id", "surname", "postcode"]
ANALYST_SEES = ["P1", "P3", "P6"]
PARTNER_SEES = ["P1", "P6"]
PASSWORD = "correct horse battery staple"


def nhs_number(stem: str) -> str:
    """A valid NHS number from 9 digits (Modulus 11); stems whose check digit would be 10 are rejected."""
    total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    assert check != 10, stem
    return stem + str(check)


NHS = {
    p: nhs_number(s)
    for p, s in zip(
        ["P1", "P2", "P3", "P4", "P5", "P6"],
        ["943476591", "401023213", "485777345", "999000001", "123456780", "555555555"],
        strict=True,
    )
}


def write_contracts(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, fields in (("shielded-list", SHIELDED_COLUMNS), ("food-support", FOOD_COLUMNS)):
        contract = {
            "name": name,
            "kind": "source",
            "personal": True,
            "schema": {"fields": [{"name": f, "type": "string"} for f in fields]},
            "roles": {},
        }
        (folder / f"{name}.json").write_text(json.dumps(contract))


def build_vault(path: Path) -> None:
    """Tables shaped as docs/vault.md says (only the columns govern reads are filled)."""
    con = duckdb.connect(str(path))
    con.execute(
        "create table gazetteer (uprn varchar, address varchar, postcode varchar, lsoa varchar, "
        "msoa varchar, ward varchar, load_id varchar)"
    )
    gaz = [
        ("100000000001", WARD_IN, "E01000001"),
        ("100000000002", WARD_OUT, "E01000002"),
        ("100000000003", WARD_OUT, LSOA_IN),
        ("100000000004", WARD_IN, "E01000001"),
        ("100000000006", WARD_IN, "E01000001"),
        ("100000000011", WARD_IN, "E01000001"),
    ]
    con.executemany(
        "insert into gazetteer values (?, 'x', 'SE6 1AA', ?, 'E02000001', ?, 'G1')",
        [[u, lsoa, ward] for u, ward, lsoa in gaz],
    )
    con.execute(
        "create table records (source varchar, load_id bigint, row_number bigint, record_id varchar, "
        "nhs_number varchar, first_name varchar, surname varchar, full_name varchar, dob date, "
        "address varchar, postcode varchar)"
    )
    con.execute(
        "create table matches (source varchar, load_id bigint, record_id varchar, address varchar, "
        "postcode varchar, uprn varchar, method varchar, score double, status varchar, candidates json, "
        "decided_by varchar, matched_at timestamp)"
    )
    con.execute(
        "create table raw_shielded_list (patient_id varchar, nhs_number varchar, forename varchar, "
        "surname varchar, date_of_birth date, address_line_1 varchar, postcode varchar, "
        "_load_id bigint, _row_number bigint)"
    )
    shielded = [
        ("P1", "100000000001", "auto"),
        ("P2", "100000000002", "auto"),
        ("P3", "100000000003", "reviewed"),
        ("P4", "100000000004", "review"),
        ("P5", None, "unmatched"),
        ("P6", "100000000006", "auto"),
    ]
    for n, (pid, uprn, status) in enumerate(shielded, start=1):
        con.execute(
            "insert into raw_shielded_list values (?, ?, ?, ?, date '1950-01-01', ?, 'SE6 1AA', 1, ?)",
            [pid, NHS[pid], f"First{n}", f"Surname{n}", f"{n} Road", n],
        )
        con.execute(
            "insert into records (source, load_id, row_number, record_id, nhs_number, surname) "
            "values ('shielded-list', 1, ?, ?, ?, ?)",
            [n, pid, NHS[pid], f"SURNAME{n}"],
        )
        con.execute(
            "insert into matches (source, load_id, record_id, uprn, method, score, status, matched_at) "
            "values ('shielded-list', 1, ?, ?, 'exact', 1.0, ?, timestamp '2026-01-01')",
            [pid, uprn, status],
        )
    con.execute(
        "create table raw_food_support (client_ref varchar, name varchar, address varchar, postcode varchar, "
        "_load_id bigint, _row_number bigint)"
    )
    for n, fid in enumerate(["F1", "F2"], start=1):
        con.execute("insert into raw_food_support values (?, ?, 'x', 'SE6 1AA', 2, ?)", [fid, f"Name {n}", n])
        con.execute(
            "insert into records (source, load_id, row_number, record_id) values ('food-support', 2, ?, ?)",
            [n, fid],
        )
        con.execute(
            "insert into matches (source, load_id, record_id, uprn, status) "
            "values ('food-support', 2, ?, '100000000011', 'auto')",
            [fid],
        )
    ensure_assignments(con)
    for purpose in ("p-active", "p-future", "p-expired", "p-missing"):
        for pid in ("P1", "P2", "P6"):
            con.execute(
                "insert into assignments (purpose, organisation, source, record_id) "
                "values (?, 'food-network', 'shielded-list', ?)",
                [purpose, pid],
            )
    con.close()


def agreement_doc(
    agreement_id: str, purpose: str, start: date, end: date, review: date | None = None, **overrides: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": agreement_id,
        "title": f"Test agreement {agreement_id}",
        "parties": [
            {"organisation": "council", "name": "Test Borough Council", "roles": ["provider", "recipient"]},
            {"organisation": "nhs", "name": "Test NHS Trust", "roles": ["provider"]},
            {"organisation": "food-network", "name": "Community Food Network", "roles": ["recipient"]},
        ],
        "purpose": {"code": purpose, "description": "Contact shielded residents who may need food support."},
        "lawful_basis": {
            "article_6": "public_task",
            "article_9": "health_social_care",
            "schedule_1": "Part 1, paragraph 2: health or social care purposes",
        },
        "datasets": [
            {
                "source": "shielded-list",
                "provider": "nhs",
                "special_category": True,
                "columns": list(AGREED_COLUMNS),
            }
        ],
        "geography": {"wards": [WARD_IN], "lsoas": [LSOA_IN]},
        "dates": {
            "start": start.isoformat(),
            "review": (review or start + (end - start) / 2).isoformat(),
            "end": end.isoformat(),
        },
        "retention": {"days_after_end": 90, "description": "Deleted 90 days after the agreement ends."},
        "sro": {"name": "A. Person", "role": "Director of Public Health", "organisation": "council"},
        "dpia_reference": "DPIA-TEST-1",
        "disclosure_control": "placehub-sdc-2025",
    }
    doc.update(overrides)
    return doc


def write_agreement(folder: Path, doc: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc['id']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


USERS = {
    Role.ANALYST: ("ana", "council"),
    Role.IG_OFFICER: ("iggy", "council"),
    Role.PARTNER_WORKER: ("pat", "food-network"),
    Role.PUBLIC: ("pub", "council"),
}
STATES = {"active": "p-active", "not started": "p-future", "expired": "p-expired", "missing": "p-missing"}


def build_world(catalogue: Catalogue, settings: Settings, today: date | None = None) -> ContractLookup:
    """Contracts, vault, organisations, a user per role and an agreement per state (relative to ``today``)."""
    day = today or date.today()
    write_contracts(settings.home / "contracts")
    build_vault(settings.vault_path)
    for org, name in (
        ("council", "Test Borough Council"),
        ("nhs", "Test NHS Trust"),
        ("food-network", "Community Food Network"),
    ):
        add_organisation(catalogue, org, name)
    for role, (username, org) in USERS.items():
        add_user(catalogue, username, org, role, None)
    contracts = ContractLookup(settings.contracts_dirs)
    folder = settings.home / "agreements"
    d = timedelta
    for doc in (
        agreement_doc("a-active", "p-active", day - d(30), day + d(300)),
        agreement_doc("a-future", "p-future", day + d(10), day + d(400)),
        agreement_doc("a-expired", "p-expired", day - d(400), day - d(1)),
    ):
        add_agreement(catalogue, write_agreement(folder, doc), contracts, added_by="setup")
    return contracts
