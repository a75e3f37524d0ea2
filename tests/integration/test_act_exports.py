"""Worklist exports: formula-safe CSV and XLSX, one line per household for devices, audited."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from placehub.act.assign import assign_cohort
from placehub.act.build import build_cohort
from placehub.act.worklist import BadExport, export_worklist
from placehub.govern.audit import entries
from tests.integration._act_helpers import (
    AS_OF,
    WARD_A,
    WARD_B,
    Address,
    Resident,
    access_for,
    build_world,
    store_services,
)

ADDRESSES = [Address("300000000001", WARD_A, "E01000001"), Address("300000000002", WARD_B, "E01000002")]
RESIDENTS = [
    Resident(
        "P1",
        "H1",
        "300000000001",
        {"shielded-list": "SPL1"},
        "1940-01-01",
        "+447700900001",
        forename='=HYPERLINK("http://evil.example","click")',
        number=1,
    ),  # fmt: skip
    Resident(
        "P2",
        "H2",
        "300000000002",
        {"shielded-list": "SPL2"},
        "1970-01-01",
        "07700900002",
        forename="@SUM(A1)",
        number=2,
    ),  # fmt: skip
    Resident("K1", "H1", "300000000001", {"free-school-meals": "FSM1"}, "2015-01-01", "", number=3),
    Resident("K2", "H1", "300000000001", {"free-school-meals": "FSM2"}, "2017-01-01", "", number=4),
    Resident("K3", "H2", "300000000002", {"free-school-meals": "FSM3"}, "2016-01-01", "", number=5),
]
SERVICES = [
    ("food-network", "Food", 10, ("shielding-support",), (WARD_A, WARD_B)),
    ("digital-charity", "Devices", 10, ("digital-inclusion",), (WARD_A, WARD_B)),
]


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    w = build_world(settings, ADDRESSES, RESIDENTS)
    store_services(w.catalogue, SERVICES)
    for cohort in ("shielding-support", "digital-inclusion"):
        priya = access_for(w, "priya", cohort)
        build_cohort(settings, priya, cohort, now=AS_OF)
        assign_cohort(settings, priya, cohort, now=AS_OF)
    yield w
    w.catalogue.dispose()


def test_csv_and_xlsx_are_formula_safe(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tom = access_for(world, "tom")
    csv_result = export_worklist(world.settings, tom, "shielding-support", tmp_path / "tom.csv", now=AS_OF)
    with (tmp_path / "tom.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["SPL_ROW_ID"], r["FORENAME"], r["PHONE"]) for r in rows] == [
        ("SPL1", '\'=HYPERLINK("http://evil.example","click")', "'+447700900001"),
        ("SPL2", "'@SUM(A1)", "07700900002"),
    ]
    xlsx_result = export_worklist(world.settings, tom, "shielding-support", tmp_path / "tom.xlsx", now=AS_OF)
    ws = load_workbook(tmp_path / "tom.xlsx").active
    header = [c.value for c in ws[1]]
    name = header.index("FORENAME")
    cells = [row[name] for row in ws.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ('\'=HYPERLINK("http://evil.example","click")', "s"),
        ("'@SUM(A1)", "s"),
    ]
    exports = [e for e in entries(world.catalogue) if e["action"] == "act.worklist.export"]
    assert [(e["actor"], e["organisation"], e["row_count"], e["fingerprint"]) for e in exports] == [
        ("tom", "food-network", 2, csv_result.sha256),
        ("tom", "food-network", 2, xlsx_result.sha256),
    ]
    with pytest.raises(BadExport, match="name the file .csv or .xlsx"):
        export_worklist(world.settings, tom, "shielding-support", tmp_path / "tom.txt")


def test_device_worklist_is_one_line_per_household(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dee = access_for(world, "dee", "digital-inclusion")
    out = export_worklist(world.settings, dee, "digital-inclusion", tmp_path / "devices.csv", now=AS_OF)
    with out.path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [
        (r["people_on_list"], r["PUPIL_ID"], r["PARENT_NAME"], r["YEAR_GROUP"], r["priority"]) for r in rows
    ] == [
        ("2", "FSM1; FSM2", "PARENT OF H1", "5", "2.0"),
        ("1", "FSM3", "PARENT OF H2", "5", "0.0"),
    ]
    assert list(rows[0]) == [
        "case_ref", "priority", "waiting_since", "why", "people_on_list", "PUPIL_ID", "PARENT_NAME",
        "ADDRESS", "POSTCODE", "YEAR_GROUP",
    ]  # fmt: skip
