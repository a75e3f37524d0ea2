"""A constructed borough for act tests: residents on partner lists, linked, placed, with the demo agreements.

The vault tables are written as ingest, match and link write them (docs/vault.md, placehub/link/vault_io.py):
``loads``/``records``/``current_records``, ``raw_<source>``, ``matches`` (every address auto-matched),
``gazetteer``, ``person_records``/``persons``/``households``. The catalogue has the demo organisations and
agreements and one user per role: priya (council analyst), tom (food-network), gina (good-neighbours) and dee
(digital-charity) and sol (schools, a party to no shielding agreement) as partner workers, sam (council IG
officer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from placehub.govern import Role, add_user, set_up_demo_governance
from placehub.ingest.vault_tables import ensure_common
from placehub.match.run import ensure_matches_table
from placehub.settings import Settings
from placehub.store import Catalogue, Vault, open_catalogue

WARD_A, WARD_B, WARD_C = "E05999001", "E05999002", "E05999005"  # C is outside the digital pilot wards
AS_OF = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DAY = AS_OF.date()
USERS = (
    ("priya", "council", Role.ANALYST),
    ("sam", "council", Role.IG_OFFICER),
    ("tom", "food-network", Role.PARTNER_WORKER),
    ("gina", "good-neighbours", Role.PARTNER_WORKER),
    ("dee", "digital-charity", Role.PARTNER_WORKER),
    ("sol", "schools", Role.PARTNER_WORKER),
)

RAW_COLUMNS = {
    "shielded-list": {
        "SPL_ROW_ID": "varchar", "NHS_NUMBER": "varchar", "FORENAME": "varchar", "SURNAME": "varchar",
        "DATE_OF_BIRTH": "date", "ADDRESS_LINE_1": "varchar", "ADDRESS_LINE_2": "varchar",
        "POSTCODE": "varchar", "PHONE": "varchar",
    },
    "adult-social-care": {"CLIENT_ID": "varchar", "NHS_NUMBER": "varchar", "SERVICE_TYPE": "varchar"},
    "free-school-meals": {
        "PUPIL_ID": "varchar", "PARENT_NAME": "varchar", "ADDRESS": "varchar", "POSTCODE": "varchar",
        "YEAR_GROUP": "varchar",
    },
    "food-support": {
        "Referral ID": "varchar", "Client name": "varchar", "Address": "varchar", "Postcode": "varchar",
    },
}  # fmt: skip
RECORD_ID = {
    "shielded-list": "SPL_ROW_ID",
    "adult-social-care": "CLIENT_ID",
    "free-school-meals": "PUPIL_ID",
    "food-support": "Referral ID",
}


def nhs_number(n: int) -> str:
    """A valid NHS number (Modulus 11) made from ``n``."""
    for base in range(n * 10, n * 10 + 10):
        digits = f"{base:09d}"[-9:]
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Address:
    uprn: str
    ward: str
    lsoa: str
    classification: str = "RD04"


@dataclass(frozen=True)
class Resident:
    person: str
    household: str
    uprn: str
    records: dict[str, str]  # source → record id
    dob: str = "1960-05-01"
    phone: str = "07700900123"
    forename: str = "ALEX"
    number: int = 0  # makes the NHS number

    @property
    def nhs(self) -> str:
        return nhs_number(900_000_00 + self.number)


@dataclass
class World:
    settings: Settings
    catalogue: Catalogue
    vault: Vault
    residents: list[Resident] = field(default_factory=list)


def _create_raw(con: duckdb.DuckDBPyConnection, source: str) -> str:
    table = "raw_" + source.replace("-", "_")
    cols = ", ".join(f'"{c}" {t}' for c, t in RAW_COLUMNS[source].items())
    con.execute(f'create table if not exists "{table}" ({cols}, _load_id bigint, _row_number bigint)')
    return table


def build_world(settings: Settings, addresses: list[Address], residents: list[Resident]) -> World:
    catalogue = open_catalogue(settings.database_url)
    set_up_demo_governance(catalogue, settings)
    for username, org, role in USERS:
        add_user(catalogue, username, org, role, None)
    vault = Vault(settings.vault_path)
    by_uprn = {a.uprn: a for a in addresses}
    with vault.connect() as con:
        ensure_common(con)
        ensure_matches_table(con)
        con.execute(
            "create table gazetteer (uprn varchar, address varchar, postcode varchar, "
            "classification varchar, lsoa varchar, msoa varchar, ward varchar, load_id bigint)"
        )
        for a in addresses:
            con.execute(
                "insert into gazetteer values (?, ?, 'AA1 1AA', ?, ?, null, ?, 1)",
                [a.uprn, f"{a.uprn} HIGH STREET", a.classification, a.lsoa, a.ward],
            )
        con.execute(
            "create table person_records (source varchar, record_id varchar, unique_id varchar primary key, "
            "person_id varchar, uprn varchar, run_id integer)"
        )
        con.execute(
            "create table persons (person_id varchar primary key, uprn varchar, household_id varchar, "
            "records integer, sources integer, run_id integer)"
        )
        con.execute("create table households (household_id varchar primary key, uprn varchar, size integer)")
        load_ids = {s: i + 1 for i, s in enumerate(RAW_COLUMNS)}
        for source, load_id in load_ids.items():
            _create_raw(con, source)
            con.execute(
                "insert into loads values (?, ?, 'source', ?, 0, 0)",
                [load_id, source, AS_OF.replace(tzinfo=None)],
            )
        row_numbers = dict.fromkeys(RAW_COLUMNS, 0)
        for r in residents:
            for source, rid in r.records.items():
                row_numbers[source] += 1
                n = row_numbers[source]
                values = {
                    "SPL_ROW_ID": rid, "CLIENT_ID": rid, "PUPIL_ID": rid, "Referral ID": rid,
                    "NHS_NUMBER": r.nhs, "FORENAME": r.forename, "SURNAME": f"SURNAME {r.person}",
                    "DATE_OF_BIRTH": date.fromisoformat(r.dob), "ADDRESS_LINE_1": f"{r.uprn} HIGH STREET",
                    "ADDRESS_LINE_2": "", "POSTCODE": "AA1 1AA", "PHONE": r.phone or None,
                    "SERVICE_TYPE": "Home care", "PARENT_NAME": f"PARENT OF {r.household}",
                    "ADDRESS": f"{r.uprn} HIGH STREET", "YEAR_GROUP": "5", "Client name": r.forename,
                    "Address": f"{r.uprn} High Street", "Postcode": "AA1 1AA",
                }  # fmt: skip
                cols = list(RAW_COLUMNS[source])
                table = "raw_" + source.replace("-", "_")
                con.execute(
                    f'insert into "{table}" values ({", ".join("?" * (len(cols) + 2))})',  # noqa: S608
                    [values[c] for c in cols] + [load_ids[source], n],
                )
                con.execute(
                    "insert into records (source, load_id, row_number, record_id, nhs_number, first_name, "
                    "surname, dob, address, postcode, phone) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'AA1 1AA', ?)",
                    [source, load_ids[source], n, rid, r.nhs, r.forename, f"SURNAME {r.person}",
                     date.fromisoformat(r.dob), f"{r.uprn} HIGH STREET", r.phone or None],
                )  # fmt: skip
                con.execute(
                    "insert into matches (source, load_id, record_id, address, postcode, uprn, method, "
                    "score, status, matched_at) values (?, ?, ?, ?, 'AA1 1AA', ?, 'exact', 1.0, 'auto', ?)",
                    [
                        source,
                        load_ids[source],
                        rid,
                        f"{r.uprn} HIGH STREET",
                        r.uprn,
                        AS_OF.replace(tzinfo=None),
                    ],
                )
                con.execute(
                    "insert into person_records values (?, ?, ?, ?, ?, 1)",
                    [source, rid, f"{source}|{rid}", r.person, r.uprn],
                )
            con.execute(
                "insert into persons values (?, ?, ?, ?, ?, 1)",
                [r.person, r.uprn, r.household, len(r.records), len(r.records)],
            )
        sizes: dict[str, tuple[str, int]] = {}
        for r in residents:
            uprn, n = sizes.get(r.household, (r.uprn, 0))
            sizes[r.household] = (uprn, n + 1)
        for hh, (uprn, n) in sizes.items():
            con.execute("insert into households values (?, ?, ?)", [hh, uprn, n])
    assert all(r.uprn in by_uprn for r in residents)
    return World(settings, catalogue, vault, residents)


def demo_services_path() -> Path:
    from placehub.act.services import DEMO_SERVICES

    return DEMO_SERVICES


# --- a borough for assignment: seven shielded residents in three wards ---
ASSIGN_ADDRESSES = [
    Address("200000000001", WARD_A, "E01000001"),
    Address("200000000002", WARD_A, "E01000001"),
    Address("200000000034", WARD_A, "E01000001"),
    Address("200000000005", WARD_B, "E01000002"),
    Address("200000000006", WARD_B, "E01000002"),
    Address("200000000007", WARD_C, "E01000003"),
]
ASSIGN_RESIDENTS = [
    Resident("P1", "H1", "200000000001", {"shielded-list": "SPL1"}, "1946-01-01", "", number=101),  # 7
    Resident(
        "P2", "H2", "200000000002", {"shielded-list": "SPL2"}, "1946-01-01", "07700900002", number=102
    ),  # 5
    Resident("P3", "H34", "200000000034", {"shielded-list": "SPL3"}, "1960-01-01", "07700900003", number=103),
    Resident("P4", "H34", "200000000034", {"shielded-list": "SPL4"}, "1960-01-01", "07700900004", number=104),
    Resident(
        "P5", "H5", "200000000005", {"shielded-list": "SPL5"}, "1960-01-01", "07700900005", number=105
    ),  # 3
    Resident("P6", "H6", "200000000006", {"shielded-list": "SPL6"}, "1960-01-01", "07700900006", number=106),
    Resident("P6X", "H6", "200000000006", {}, "1962-01-01", "07700900016", number=116),
    Resident("P7", "H7", "200000000007", {"shielded-list": "SPL7"}, "1960-01-01", "07700900007", number=107),
    Resident("P7X", "H7", "200000000007", {}, "1962-01-01", "07700900017", number=117),
]


def services_package(spec: list[tuple[str, str, int, tuple[str, ...], tuple[str, ...]]]) -> list[dict]:
    """ORUK JSON for (organisation, service name, capacity, purposes, ward codes) rows."""
    from placehub.act.oruk import Area, Organisation, Service, make_id, organisation_document

    by_org: dict[str, list[Service]] = {}
    for org, name, capacity, purposes, wards in spec:
        by_org.setdefault(org, []).append(
            Service(
                make_id("service", org, name),
                org,
                name,
                f"{name} by {org}",
                "active",
                capacity,
                purposes,
                ("food",),
                tuple(Area(w, f"Ward {w}") for w in wards),
            )  # fmt: skip
        )
    return [
        organisation_document(
            Organisation(make_id("organization", org), org, org.title(), f"The {org}", tuple(svcs))
        )
        for org, svcs in sorted(by_org.items())
    ]


def store_services(
    catalogue: Catalogue, spec: list[tuple[str, str, int, tuple[str, ...], tuple[str, ...]]]
) -> None:
    from placehub.act.oruk import parse
    from placehub.act.services import store

    store(catalogue, parse(services_package(spec)))


ASSIGN_SERVICES = [
    ("food-network", "Food A and B", 2, ("shielding-support",), (WARD_A, WARD_B)),
    ("good-neighbours", "Befriending A", 2, ("shielding-support",), (WARD_A,)),
    # schools is no recipient under the shielding agreement, so this service may never take a case
    ("schools", "Check-ins everywhere", 10, ("shielding-support",), (WARD_A, WARD_B, WARD_C)),
]


def assignment_world(settings: Settings) -> World:
    w = build_world(settings, ASSIGN_ADDRESSES, ASSIGN_RESIDENTS)
    store_services(w.catalogue, ASSIGN_SERVICES)
    return w


def access_for(world: World, username: str, purpose: str = "shielding-support"):  # type: ignore[no-untyped-def]
    from placehub.govern import open_access
    from placehub.govern.people import get_user as _get_user

    org = _get_user(world.catalogue, username).organisation
    return open_access(world.catalogue, world.settings, username=username, organisation=org, purpose=purpose,
                       today=DAY)  # fmt: skip


def assigned_world(settings: Settings, catalogue_url: str, cohort: str = "shielding-support") -> World:
    """``assignment_world`` on the given catalogue (SQLite or PostgreSQL) with ``cohort`` built and assigned
    by the analyst priya."""
    from dataclasses import replace

    from placehub.act import assign_cohort, build_cohort

    w = assignment_world(replace(settings, database_url=catalogue_url))
    priya = access_for(w, "priya")
    build_cohort(w.settings, priya, cohort, now=AS_OF)
    assign_cohort(w.settings, priya, cohort, now=AS_OF)
    return w
