"""A release as tidy rows: one row per area (and column category), totals included, suppressed cells as None.

The same rows feed the CSV, the API and the map, and their fields feed the Table Schema and CSVW metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from placehub.publish.releases import Release
from placehub.publish.table import TOTAL

SUPPRESSED = "[c]"  # what a CSV shows for a suppressed cell (the ONS convention: confidential)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type
    title: str
    description: str


def fields(release: Release) -> list[Field]:
    m = release.meta
    level = m["area_level"].upper() if m["area_level"] == "lsoa" else m["area_level"]
    out = [
        Field("area_code", "string", f"{level} code", f"GSS code of the {level}; '{TOTAL}' for all areas"),
        Field("area_name", "string", f"{level} name", "Area name"),
    ]
    if m["kind"] == "index":
        return out + [
            Field("value", "number", "Index value", "The index score"),
            Field("rank", "integer", "Rank", "Rank of the area (1 = lowest score)"),
            Field("decile", "integer", "Decile", "Decile of the area (1 = lowest tenth)"),
        ]
    if len(m["columns"]) == 1:
        col = m["columns"][0]
        return out + [Field(col, "integer", col.capitalize(), _count_note(release))]
    out += [
        Field(
            m["column_dimension"],
            "string",
            m["column_dimension"].capitalize(),
            f"Category; '{TOTAL}' for all",
        ),
        Field("count", "integer", "Count", _count_note(release)),
    ]
    if m.get("percent_of_total"):
        out.append(
            Field(
                "percent",
                "number",
                "Percent of area total",
                "Count as a percentage of the area's total (from the published figures)",
            )
        )
    return out


def _count_note(release: Release) -> str:
    rs = release.meta["rule_set"]
    return (
        f"Rounded to the nearest {rs['round_to']}; counts from 1 to {rs['suppress_up_to']} and cells "
        f"that would reveal them are suppressed ({SUPPRESSED}); totals are sums of the rounded cells"
    )


def rows(release: Release) -> list[dict[str, Any]]:
    m = release.meta
    labels = m["row_labels"]
    cells = release.cells
    out: list[dict[str, Any]] = []
    if m["kind"] == "index":
        for code in m["rows"]:
            out.append(
                {
                    "area_code": code,
                    "area_name": labels.get(code, code),
                    "value": cells[f"{code}|value"],
                    "rank": cells[f"{code}|rank"],
                    "decile": cells[f"{code}|decile"],
                }
            )
        return out
    areas = [*m["rows"], TOTAL]
    name = {**labels, TOTAL: "All areas"}
    if len(m["columns"]) == 1:
        col = m["columns"][0]
        return [{"area_code": a, "area_name": name.get(a, a), col: cells[f"{a}|{col}"]} for a in areas]
    dim = m["column_dimension"]
    for a in areas:
        total = cells.get(f"{a}|{TOTAL}")
        for col in [*m["columns"], TOTAL]:
            v = cells.get(f"{a}|{col}")
            row = {"area_code": a, "area_name": name.get(a, a), dim: col, "count": v}
            if m.get("percent_of_total"):
                # suppressed where the numerator or the denominator is
                row["percent"] = round(100.0 * v / total, 1) if v is not None and total else None
            out.append(row)
    return out
