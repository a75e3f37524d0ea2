"""Percentages come from the published figures and are suppressed where the numerator or denominator is."""

from __future__ import annotations

from datetime import UTC, datetime

from placehub.publish import SDC_2025, CountTable, Release, ReleaseStatus, protect
from placehub.publish.definitions import OGL
from placehub.publish.tidy import rows

WITHIN, LATER = "contacted within 3 days", "not contacted within 3 days"


def release_of(table: CountTable) -> Release:
    p = protect(table, SDC_2025)
    meta = {
        "kind": "counts",
        "title": "t",
        "description": "d",
        "area_level": "ward",
        "keywords": [],
        "publisher": "p",
        "attribution": "a",
        "licence": OGL,
        "rule_set": SDC_2025.describe(),
        "percent_of_total": True,
        "row_dimension": "ward",
        "rows": list(table.rows),
        "row_labels": {},
        "column_dimension": "contact",
        "columns": list(table.columns),
        "suppressed": {},
    }
    now = datetime(2026, 11, 25, tzinfo=UTC)
    return Release(
        1,
        "t",
        1,
        1,
        ReleaseStatus.PUBLISHED,
        SDC_2025.name,
        "ana",
        "sam",
        now,
        now,
        now,
        meta,
        {c.key(): v for c, v in p.published.items()},
        [],
        "First release.",
    )


def test_percent_of_area_total_suppressed_with_its_counts() -> None:
    table = CountTable(
        "ward",
        ("A", "B", "C"),
        "contact",
        (WITHIN, LATER),
        {
            ("A", WITHIN): 40,
            ("A", LATER): 12,
            ("B", WITHIN): 3,
            ("B", LATER): 30,
            ("C", WITHIN): 25,
            ("C", LATER): 18,
        },
    )
    got = [(r["area_code"], r["contact"], r["count"], r["percent"]) for r in rows(release_of(table))]
    assert got == [
        ("A", WITHIN, 40, 80.0),
        ("A", LATER, 10, 20.0),
        ("A", "total", 50, 100.0),
        ("B", WITHIN, None, None),
        ("B", LATER, None, None),
        ("B", "total", 35, 100.0),
        ("C", WITHIN, None, None),
        ("C", LATER, None, None),
        ("C", "total", 45, 100.0),
        ("total", WITHIN, 70, 53.8),
        ("total", LATER, 60, 46.2),
        ("total", "total", 130, 100.0),
    ]
