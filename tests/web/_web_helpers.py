"""A small seeded placehub home for the web tests, built through the public APIs of each stage.

Place: 2 LSOAs (E01000001, E01000002) in 2 wards, 9 gazetteer addresses with coordinates (BNG).
Source ``clinic-list``: 5 records; 4 match exactly, 1 ("12 High Street", a building divided into two flats)
goes to the match review queue. Index ``test-index`` by LSOA. Organisations, users and one agreement
(``clinic-outreach``) that shares the clinic list's address columns with the council.
"""

from __future__ import annotations

import csv
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import yaml

from placehub.govern import Role, add_agreement, add_organisation, add_user
from placehub.govern.agreement import ContractLookup
from placehub.ingest import load_file
from placehub.match import match_source
from placehub.place.gazetteer import load_gazetteer
from placehub.place.geography import load_geography
from placehub.settings import Settings
from placehub.store import Vault, open_catalogue

PASSWORD = "correct horse battery staple"
LSOA_A, LSOA_B = "E01000001", "E01000002"
WARD_A, WARD_B = "E05000001", "E05000002"
PURPOSE = "clinic-outreach"

SOURCE_CONTRACT = {
    "name": "clinic-list",
    "title": "Clinic patient list",
    "kind": "source",
    "provider": "Test Clinic",
    "personal": True,
    "format": {"type": "csv", "encoding": "auto", "header_row": 1},
    "schema": {
        "fields": [
            {"name": "patient_id", "type": "string", "constraints": {"required": True, "unique": True}},
            {"name": "surname", "type": "string", "constraints": {"required": True}},
            {"name": "date_of_birth", "type": "date", "format": "uk"},
            {"name": "address_line_1", "type": "string", "constraints": {"required": True}},
            {"name": "postcode", "type": "string"},
        ],
        "primaryKey": ["patient_id"],
    },
    "roles": {
        "record_id": "patient_id",
        "surname": "surname",
        "dob": "date_of_birth",
        "address": ["address_line_1"],
        "postcode": "postcode",
    },
}

# A second source for upload tests, so that uploads never supersede the clinic list's matched load.
VISITS_CONTRACT = {
    "name": "visits",
    "title": "Home visits",
    "kind": "source",
    "provider": "Testbury Council",
    "personal": True,
    "format": {"type": "csv", "encoding": "auto", "header_row": 1},
    "schema": {
        "fields": [
            {"name": "visit_id", "type": "string", "constraints": {"required": True, "unique": True}},
            {"name": "date_of_birth", "type": "date", "format": "uk"},
            {"name": "address", "type": "string", "constraints": {"required": True}},
            {"name": "postcode", "type": "string"},
        ]
    },
    "roles": {
        "record_id": "visit_id",
        "dob": "date_of_birth",
        "address": ["address"],
        "postcode": "postcode",
    },
}

GAZETTEER_CONTRACT = {
    "name": "test-gazetteer",
    "kind": "gazetteer",
    "personal": False,
    "format": {"type": "csv", "encoding": "utf-8", "header_row": 1},
    "schema": {
        "fields": [
            {"name": "uprn", "type": "string", "constraints": {"required": True, "unique": True}},
            {"name": "parent_uprn", "type": "string"},
            {"name": "address", "type": "string", "constraints": {"required": True}},
            {"name": "postcode", "type": "string"},
            {"name": "classification", "type": "string"},
            {"name": "x", "type": "number"},
            {"name": "y", "type": "number"},
            {"name": "lsoa", "type": "string"},
            {"name": "ward", "type": "string"},
        ]
    },
    "roles": {
        "uprn": "uprn", "parent_uprn": "parent_uprn", "address": "address", "postcode": "postcode",
        "classification": "classification", "x": "x", "y": "y", "lsoa": "lsoa", "ward": "ward",
    },
}  # fmt: skip

# uprn, parent, address, postcode, classification, x, y, lsoa, ward
GAZETTEER = [
    ("100000000001", "", "1 MILL LANE, TESTBURY", "TB1 1AA", "RD04", 530100, 180100, LSOA_A, WARD_A),
    ("100000000002", "", "3 MILL LANE, TESTBURY", "TB1 1AA", "RD04", 530150, 180120, LSOA_A, WARD_A),
    ("100000000003", "", "5 MILL LANE, TESTBURY", "TB1 1AA", "RD04", 530200, 180140, LSOA_A, WARD_A),
    ("100000000004", "", "12 HIGH STREET, TESTBURY", "TB1 2BB", "PP", 530700, 180200, LSOA_B, WARD_B),
    (
        "100000000005",
        "100000000004",
        "FLAT 1, 12 HIGH STREET, TESTBURY",
        "TB1 2BB",
        "RD06",
        530701,
        180201,
        LSOA_B,
        WARD_B,
    ),
    (
        "100000000006",
        "100000000004",
        "FLAT 2, 12 HIGH STREET, TESTBURY",
        "TB1 2BB",
        "RD06",
        530702,
        180202,
        LSOA_B,
        WARD_B,
    ),
    ("100000000007", "", "14 HIGH STREET, TESTBURY", "TB1 2BB", "RD04", 530720, 180210, LSOA_B, WARD_B),
    (
        "100000000008",
        "",
        "ROSE CARE HOME, 20 HIGH STREET, TESTBURY",
        "TB1 2BB",
        "RI01",
        530760,
        180230,
        LSOA_B,
        WARD_B,
    ),
    ("100000000009", "", "7 MILL LANE, TESTBURY", "TB1 1AA", "RD04", 530250, 180160, LSOA_A, WARD_A),
]

SOURCE_ROWS = [
    ("C1", "ADAMS", "01/02/1950", "1 Mill Lane, Testbury", "TB1 1AA"),
    ("C2", "BROWN", "03/04/1948", "3 Mill Lane, Testbury", "TB1 1AA"),
    ("C3", "CLARKE", "05/06/1952", "14 High Street, Testbury", "TB1 2BB"),
    ("C4", "DAVIES", "07/08/1945", "7 Mill Lane, Testbury", "TB1 1AA"),
    ("C5", "EVANS", "09/10/1939", "12 High Street, Testbury", "TB1 2BB"),
    ("C6", "FOSTER", "11/12/1941", "Flat 2 12 Hihg Stret, Testbury", "TB1 2BB"),
]
INDEX_VALUES = {LSOA_A: (0.25, 2, 3), LSOA_B: (0.75, 1, 8)}  # value, rank, decile


def _square(x0: float, y0: float, size: float) -> list[list[list[float]]]:
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


def _boundaries(folder: Path) -> list[Path]:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    lsoas = {
        "type": "FeatureCollection",
        "crs": crs,
        "features": [
            {"type": "Feature", "properties": {"LSOA21CD": LSOA_A, "LSOA21NM": "Testbury 001A"},
             "geometry": {"type": "Polygon", "coordinates": _square(530000, 180000, 500)}},
            {"type": "Feature", "properties": {"LSOA21CD": LSOA_B, "LSOA21NM": "Testbury 001B"},
             "geometry": {"type": "Polygon", "coordinates": _square(530500, 180000, 500)}},
        ],
    }  # fmt: skip
    wards = {
        "type": "FeatureCollection",
        "crs": crs,
        "features": [
            {"type": "Feature", "properties": {"WD22CD": WARD_A, "WD22NM": "Mill"},
             "geometry": {"type": "Polygon", "coordinates": _square(530000, 180000, 500)}},
            {"type": "Feature", "properties": {"WD22CD": WARD_B, "WD22NM": "High Street"},
             "geometry": {"type": "Polygon", "coordinates": _square(530500, 180000, 500)}},
        ],
    }  # fmt: skip
    paths = []
    for name, doc in (("lsoa.geojson", lsoas), ("ward.geojson", wards)):
        p = folder / name
        p.write_text(json.dumps(doc))
        paths.append(p)
    return paths


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def agreement_doc(today: date) -> dict:
    return {
        "id": "clinic-outreach",
        "title": "Clinic outreach to older residents",
        "parties": [
            {"organisation": "council", "name": "Testbury Council", "roles": ["provider", "recipient"]},
            {"organisation": "clinic", "name": "Test Clinic", "roles": ["provider"]},
        ],
        "purpose": {"code": PURPOSE, "description": "Contact older patients who may need support at home."},
        "lawful_basis": {"article_6": "public_task", "article_9": "health_social_care",
                         "schedule_1": "Part 1, paragraph 2: health or social care purposes"},
        "datasets": [
            {"source": "clinic-list", "provider": "clinic", "special_category": True,
             "columns": ["patient_id", "surname", "address_line_1", "postcode"], "recipients": ["council"]},
        ],
        "geography": {"whole_place": True},
        "dates": {"start": (today - timedelta(days=30)).isoformat(),
                  "review": (today + timedelta(days=150)).isoformat(),
                  "end": (today + timedelta(days=300)).isoformat()},
        "retention": {"days_after_end": 90, "description": "Deleted 90 days after the agreement ends."},
        "sro": {"name": "A. Person", "role": "Director of Public Health", "organisation": "council"},
        "dpia_reference": "DPIA-WEB-1",
        "disclosure_control": "placehub-sdc-2025",
    }  # fmt: skip


def write_contracts(settings: Settings) -> None:
    contracts = settings.home / "contracts"
    contracts.mkdir(parents=True, exist_ok=True)
    for c in (SOURCE_CONTRACT, VISITS_CONTRACT, GAZETTEER_CONTRACT):
        (contracts / f"{c['name']}.json").write_text(json.dumps(c, indent=2))


def seed_people(settings: Settings) -> None:
    """Organisations, users (one per role) and the agreement."""
    write_contracts(settings)
    catalogue = open_catalogue(settings.database_url)
    try:
        for org, name in (("council", "Testbury Council"), ("clinic", "Test Clinic")):
            add_organisation(catalogue, org, name)
        add_user(catalogue, "ana", "council", Role.ANALYST, PASSWORD)
        add_user(catalogue, "iggy", "council", Role.IG_OFFICER, PASSWORD)
        add_user(catalogue, "lockme", "council", Role.ANALYST, PASSWORD)
        add_user(catalogue, "ben", "council", Role.ANALYST, PASSWORD)
        add_user(catalogue, "oidc.ana@testbury.example", "council", Role.ANALYST, None)
        folder = settings.home / "agreements"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "clinic-outreach.yaml"
        path.write_text(yaml.safe_dump(agreement_doc(date.today()), sort_keys=False))
        add_agreement(catalogue, path, ContractLookup(settings.contracts_dirs), added_by="setup")
    finally:
        catalogue.dispose()


def seed_place(settings: Settings) -> None:
    """Contracts, gazetteer, the clinic list (loaded and matched), boundaries and an index."""
    write_contracts(settings)
    work = settings.home / "seed"
    work.mkdir(exist_ok=True)
    gaz = write_csv(
        work / "gazetteer.csv", [f["name"] for f in GAZETTEER_CONTRACT["schema"]["fields"]], GAZETTEER
    )
    load_gazetteer(settings, gaz, "test-gazetteer", user="setup")
    src = write_csv(
        work / "clinic.csv", [f["name"] for f in SOURCE_CONTRACT["schema"]["fields"]], SOURCE_ROWS
    )
    load_file(settings, "clinic-list", src, user="setup")
    match_source(settings, "clinic-list")
    vault = Vault(settings.vault_path)
    load_geography(vault, _boundaries(work))
    # The index as `placehub index build` stores it (docs: placehub/insight/indices/store.py).
    from placehub.insight.indices.store import VALUES_DDL

    with vault.connect() as con:
        con.execute(VALUES_DDL)
        for code, (value, rank, decile) in INDEX_VALUES.items():
            con.execute(
                "insert into index_values values ('test-index', ?, 'lsoa', 'index', 'index', ?, ?, ?)",
                [code, value, rank, decile],
            )


def make_settings(home: Path) -> Settings:
    """Settings for a home under ``home`` that ignore any PLACEHUB_* variables of the machine."""
    from placehub.settings import PACKAGED_CONTRACTS, get_settings

    base = get_settings(home)
    s = Settings(
        home=home.resolve(),
        database_url=f"sqlite:///{home.resolve() / 'catalogue.db'}",
        vault_path=home.resolve() / "vault.duckdb",
        shared_data=base.shared_data,
        contracts_dirs=(home.resolve() / "contracts", PACKAGED_CONTRACTS),
        user="setup",
    )
    s.ensure_dirs()
    return s


def seed_home(settings: Settings) -> None:
    seed_place(settings)
    seed_people(settings)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app, port: int | None = None) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Run ``app`` with uvicorn on a free loopback port in this process; yields the base URL."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def review_counts(settings: Settings) -> dict[str, int]:
    with duckdb.connect(str(settings.vault_path), read_only=True) as con:
        return dict(con.execute("select status, count(*) from matches group by status").fetchall())
