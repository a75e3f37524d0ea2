"""Gazetteer loads: the Merthyr Tydfil list (shared data), and small files built in the tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from placehub.errors import LoadError
from placehub.ingest import list_loads
from placehub.place.gazetteer import gazetteer_summary, load_gazetteer
from placehub.settings import Settings
from tests.integration._ingest_helpers import write_contract


def _vault(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.vault_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.shared_data
def test_merthyr_gazetteer_loads_every_row(settings: Settings, shared_data: Path) -> None:
    g = load_gazetteer(
        settings, shared_data / "address" / "merthyr_tydfil_gazetteer.csv", "merthyr-gazetteer", user="tester"
    )
    assert (g.load.rows_total, g.load.rows_accepted, g.load.rows_rejected) == (27_280, 27_280, 0)
    # 13 rows in 6 groups share a UPRN with a different address: each address is kept as its own row.
    assert (g.rows, g.uprns, g.repeated_uprns, g.with_coordinates, g.address_built) == (
        27_280,
        27_273,
        6,
        0,
        False,
    )
    assert _vault(settings, "select count(*) from gazetteer where length(uprn) = 6") == [(131,)]
    assert _vault(settings, "select typeof(uprn), count(*) from gazetteer group by 1") == [
        ("VARCHAR", 27_280)
    ]
    assert _vault(
        settings,
        "select uprn, address, postcode, building_number, street, locality, town, lsoa, ward from gazetteer "
        "where uprn = '10034657248'",
    ) == [
        (
            "10034657248",
            "17, PANTYSCALLOG HOUSES, PANT, MERTHYR TYDFIL, CF48 2BY",
            "CF48 2BY",
            "17",
            "PANTYSCALLOG HOUSES",
            "PANT",
            "MERTHYR TYDFIL",
            None,
            None,
        )
    ]
    summary = gazetteer_summary(settings)
    assert (summary.rows, summary.uprns, summary.postcodes, summary.with_coordinates) == (
        27_280,
        27_273,
        1_502,
        0,
    )


GAZ_FIELDS = [
    {"name": "UPRN", "type": "string", "constraints": {"required": True}},
    {"name": "SAO", "type": "string"},
    {"name": "PAO_TEXT", "type": "string"},
    {"name": "PAO_NUM", "type": "string"},
    {"name": "STREET", "type": "string"},
    {"name": "TOWN", "type": "string"},
    {"name": "POSTCODE", "type": "string"},
    {"name": "CLASS", "type": "string"},
    {"name": "LAT", "type": "number"},
    {"name": "LON", "type": "number"},
]
GAZ_ROLES = {
    "uprn": "UPRN",
    "sub_building": "SAO",
    "building_name": "PAO_TEXT",
    "building_number": "PAO_NUM",
    "street": "STREET",
    "town": "TOWN",
    "postcode": "POSTCODE",
    "classification": "CLASS",
    "lat": "LAT",
    "lon": "LON",
}
GAZ_ROWS = [
    "UPRN,SAO,PAO_TEXT,PAO_NUM,STREET,TOWN,POSTCODE,CLASS,LAT,LON",
    "100100000001,FLAT 3,ROSE COURT,12,High  Street,Merthyr Tydfil,cf479ux,RD06,52.6580078,1.7160740",
    "100100000002,,,14,HIGH STREET,MERTHYR TYDFIL,CF47 9UX,RD04,,",
    "100100000003,,THE OLD SCHOOL,,CHURCH LANE,MERTHYR TYDFIL,CF47 8AA,CE03,51.75,-3.38",
]


def _gaz(settings: Settings, tmp_path: Path, rows: list[str], repeated: str = "reject") -> Path:
    write_contract(
        settings,
        "llpg",
        {
            "kind": "gazetteer",
            "repeated_uprns": repeated,
            "schema": {"fields": GAZ_FIELDS},
            "roles": GAZ_ROLES,
        },
    )
    f = tmp_path / "llpg.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return f


def test_address_is_built_from_components_and_grid_from_lat_lon(settings: Settings, tmp_path: Path) -> None:
    g = load_gazetteer(settings, _gaz(settings, tmp_path, GAZ_ROWS), "llpg", user="tester")
    assert (g.rows, g.uprns, g.with_coordinates, g.address_built) == (3, 3, 2, True)
    rows = _vault(
        settings, "select uprn, address, postcode, classification, lsoa from gazetteer order by uprn"
    )
    assert rows == [
        ("100100000001", "FLAT 3, ROSE COURT, 12 HIGH STREET, MERTHYR TYDFIL", "CF47 9UX", "RD06", None),
        ("100100000002", "14 HIGH STREET, MERTHYR TYDFIL", "CF47 9UX", "RD04", None),
        ("100100000003", "THE OLD SCHOOL, CHURCH LANE, MERTHYR TYDFIL", "CF47 8AA", "CE03", None),
    ]
    [(x, y)] = _vault(settings, "select x, y from gazetteer where uprn = '100100000001'")
    # Ordnance Survey's worked example (Caister water tower): 52°39'28.8282"N 1°42'57.8663"E is
    # E 651409.903, N 313177.270. Without the OSTN15 grid file pyproj's Helmert fit is within a few metres.
    assert (abs(x - 651409.903) < 5, abs(y - 313177.270) < 5) == (True, True)
    summary = gazetteer_summary(settings)
    assert summary.by_classification == [("CE03", 1), ("RD04", 1), ("RD06", 1)]


def test_gazetteer_is_replaced_whole_by_the_next_load(settings: Settings, tmp_path: Path) -> None:
    load_gazetteer(settings, _gaz(settings, tmp_path, GAZ_ROWS), "llpg", user="tester")
    second = tmp_path / "second.csv"
    second.write_text("\n".join([GAZ_ROWS[0], GAZ_ROWS[2]]) + "\n", encoding="utf-8")
    g = load_gazetteer(settings, second, "llpg", user="tester")
    assert _vault(settings, "select uprn, load_id from gazetteer") == [("100100000002", g.load.load_id)]
    assert [(ld.kind, ld.status) for ld in list_loads(settings)] == [
        ("gazetteer", "current"),
        ("gazetteer", "superseded"),
    ]


def test_a_failed_gazetteer_load_keeps_the_old_gazetteer(settings: Settings, tmp_path: Path) -> None:
    first = load_gazetteer(settings, _gaz(settings, tmp_path, GAZ_ROWS), "llpg", user="tester")
    bad = tmp_path / "bad.csv"
    bad.write_text("UPRN,ADDRESS\n1,X\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_gazetteer(settings, bad, "llpg", user="tester")
    assert str(info.value) == (
        "The header of 'bad.csv' does not match the contract for 'llpg': missing columns: SAO, PAO_TEXT, "
        "PAO_NUM, "
        "STREET, TOWN, POSTCODE, CLASS, LAT, LON; unexpected columns: ADDRESS."
    )
    assert _vault(settings, "select count(*), max(load_id) from gazetteer") == [(3, first.load.load_id)]


REPEAT = [
    GAZ_ROWS[0],
    "200000000001,,,14,THE GREEN,MERTHYR TYDFIL,CF47 9UX,RD04,,",
    "200000000001,,,14A,THE GREEN,MERTHYR TYDFIL,CF47 9UX,RD04,,",
    "200000000001,,,14,THE GREEN,MERTHYR TYDFIL,CF47 9UX,RD04,,",
    "200000000002,,,15,THE GREEN,MERTHYR TYDFIL,CF47 9UX,RD04,,",
]


@pytest.mark.parametrize(
    "policy,kept,reasons",
    [
        (
            "keep",
            [
                ("200000000001", "14 THE GREEN, MERTHYR TYDFIL"),
                ("200000000001", "14A THE GREEN, MERTHYR TYDFIL"),
                ("200000000002", "15 THE GREEN, MERTHYR TYDFIL"),
            ],
            [(4, ["repeats row 2 exactly (same UPRN and address)"])],
        ),
        (
            "first",
            [
                ("200000000001", "14 THE GREEN, MERTHYR TYDFIL"),
                ("200000000002", "15 THE GREEN, MERTHYR TYDFIL"),
            ],
            [
                (3, ["has UPRN '200000000001' again: the first row with it (row 2) is kept"]),
                (4, ["has UPRN '200000000001' again: the first row with it (row 2) is kept"]),
            ],
        ),
        (
            "reject",
            [("200000000002", "15 THE GREEN, MERTHYR TYDFIL")],
            [(n, ["UPRN '200000000001' is used on more than one row (rows 2, 3, 4)"]) for n in (2, 3, 4)],
        ),
    ],
)
def test_repeated_uprns_follow_the_contract(
    settings: Settings, tmp_path: Path, policy: str, kept: list[tuple[str, str]], reasons: list
) -> None:
    load_gazetteer(settings, _gaz(settings, tmp_path, REPEAT, repeated=policy), "llpg", user="tester")
    assert _vault(settings, "select uprn, address from gazetteer order by uprn, address") == kept
    assert _vault(settings, "select row_number, reasons from rejects order by row_number") == reasons
