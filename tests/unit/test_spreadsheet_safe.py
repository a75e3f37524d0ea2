"""Exports cannot run as formulas: CSV and XLSX are read back and checked."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from placehub.publish.spreadsheet import safe_cell, write_csv, write_xlsx


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+2", "'=1+2"),
        ("+44 1685 725000", "'+44 1685 725000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("SMITH", "SMITH"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),  # numbers are written as numbers: they cannot hold a formula
        (None, None),
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


ROWS = [['=HYPERLINK("http://x","click")', 3, None], ["ordinary", -1.5, date(2024, 1, 31)]]


def test_csv_is_written_safely(tmp_path: Path) -> None:
    p = tmp_path / "out.csv"
    assert write_csv(p, ["text", "n", "when"], ROWS) == 2
    with p.open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["text", "n", "when"],
            ['\'=HYPERLINK("http://x","click")', "3", ""],
            ["ordinary", "-1.5", "2024-01-31"],
        ]


def test_csv_for_excel_has_a_byte_order_mark(tmp_path: Path) -> None:
    p = tmp_path / "out.csv"
    write_csv(p, ["name"], [["Zoë"]], bom=True)
    assert p.read_bytes() == "\ufeffname\r\nZoë\r\n".encode()


def test_xlsx_cells_are_text_never_formulas(tmp_path: Path) -> None:
    p = tmp_path / "out.xlsx"
    assert write_xlsx(p, ["text", "n", "when"], ROWS, sheet="Export") == 2
    wb = openpyxl.load_workbook(p)
    ws = wb["Export"]
    cells = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
    assert cells[0] == [("text", "s"), ("n", "s"), ("when", "s")]
    assert cells[1] == [('\'=HYPERLINK("http://x","click")', "s"), (3, "n"), (None, "n")]
    assert cells[2][:2] == [("ordinary", "s"), (-1.5, "n")]
    assert cells[2][2][0].date() == date(2024, 1, 31)
