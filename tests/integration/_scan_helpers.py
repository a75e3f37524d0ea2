"""A small synthetic gazetteer for outbreak tests (the demo borough may not be built)."""

from __future__ import annotations

import pandas as pd


def grid_gazetteer(side: int = 40, spacing_m: float = 50.0) -> pd.DataFrame:
    """side x side houses (RD04) on a grid from (530000, 180000), plus two care homes and two schools."""
    rows = []
    n = 0
    for i in range(side):
        for j in range(side):
            n += 1
            rows.append(
                (f"1000{n:08d}", 530000 + i * spacing_m, 180000 + j * spacing_m, "RD04",
                 f"{n} GRID STREET, TESTTOWN", "TT1 1AA")
            )  # fmt: skip
    extra = [
        ("200000000001", 530400.0, 180400.0, "RI01", "ELM LODGE CARE HOME, TESTTOWN", "TT1 2AA"),
        ("200000000002", 531500.0, 181500.0, "RI01", "OAK HOUSE CARE HOME, TESTTOWN", "TT1 3AA"),
        ("200000000003", 530600.0, 180500.0, "CE03", "GRID PRIMARY SCHOOL, TESTTOWN", "TT1 4AA"),
        ("200000000004", 531800.0, 180200.0, "CE04", "GRID ACADEMY, TESTTOWN", "TT1 5AA"),
    ]
    return pd.DataFrame(rows + extra, columns=["uprn", "x", "y", "classification", "address", "postcode"])
