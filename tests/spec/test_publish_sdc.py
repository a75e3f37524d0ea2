"""Disclosure control as tables: the published value of every cell and the SDC log, exactly.

Tables are written as text: one line per area, ``|``-separated counts per column; a published value of
``None`` is a suppressed cell (shown as [c] in files).
"""

from __future__ import annotations

import pytest

from placehub.publish import ONS, SDC_2025, Cell, CountTable, Earlier, RuleSet, protect

T = "total"


def table(text: str, columns: tuple[str, ...] = ("count",)) -> CountTable:
    rows, values = [], {}
    for line in text.strip().splitlines():
        code, *counts = [p.strip() for p in line.split("|")]
        rows.append(code)
        for col, n in zip(columns, counts, strict=True):
            values[(code, col)] = int(n)
    dim = "measure" if len(columns) == 1 else "week"
    return CountTable("ward", tuple(rows), dim, columns, values)


def shown(p) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    return {c.key(): v for c, v in sorted(p.published.items(), key=lambda cv: cv[0].key())}


def log(p) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(h.cell.key(), h.kind) for h in p.hidden]


@pytest.mark.parametrize(
    ("count", "rounded"),
    [(0, 0), (1, 0), (2, 0), (3, 5), (7, 5), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (102, 100)],
)
def test_rounding_to_the_nearest_five_halves_up(count: int, rounded: int) -> None:
    assert SDC_2025.rounded(count) == rounded


def test_one_small_count_and_its_protector() -> None:
    p = protect(table("A | 3\nB | 12\nC | 40\nD | 9"), SDC_2025)
    assert shown(p) == {"A|count": None, "B|count": 10, "C|count": 40, "D|count": None, "total|count": 65}
    assert log(p) == [("A|count", "primary"), ("D|count", "secondary")]
    assert p.hidden[1].reason == "so that total total|count does not give A|count away"


def test_nothing_small_nothing_hidden_and_zeros_shown() -> None:
    p = protect(table("A | 0\nB | 8\nC | 23"), SDC_2025)
    assert shown(p) == {"A|count": 0, "B|count": 10, "C|count": 25, "total|count": 35}
    assert log(p) == []


def test_ons_preset_suppresses_under_ten() -> None:
    t = table("A | 9\nB | 10\nC | 30\nD | 31")
    assert shown(protect(t, SDC_2025)) == {
        "A|count": 10,
        "B|count": 10,
        "C|count": 30,
        "D|count": 30,
        "total|count": 80,
    }
    p = protect(t, ONS)
    assert shown(p) == {"A|count": None, "B|count": None, "C|count": 30, "D|count": 30, "total|count": 80}
    assert log(p) == [("A|count", "primary"), ("B|count", "secondary")]


def test_two_small_counts_protect_each_other_when_wide_enough() -> None:
    # 3 and 7 round to 5 + 5: the total's remainder 10 still allows each to be anything from 1 to 12
    p = protect(table("A | 3\nB | 7\nC | 40"), SDC_2025)
    assert shown(p) == {"A|count": None, "B|count": None, "C|count": 40, "total|count": 50}
    assert log(p) == [("A|count", "primary"), ("B|count", "primary")]


def test_two_tiny_counts_are_not_enough() -> None:
    # 1 and 2 both round to 0: the total would show the hidden pair is 1..2 each; a third cell is hidden
    p = protect(table("A | 1\nB | 2\nC | 40\nD | 20"), SDC_2025)
    assert shown(p) == {"A|count": None, "B|count": None, "C|count": 40, "D|count": None, "total|count": 60}
    assert log(p) == [("A|count", "primary"), ("B|count", "primary"), ("D|count", "secondary")]


def test_two_way_table_margins_and_secondary_cells() -> None:
    t = table("A | 4 | 20 | 30\nB | 15 | 25 | 12\nC | 40 | 9 | 22", columns=("w1", "w2", "w3"))
    p = protect(t, SDC_2025)
    assert shown(p) == {
        "A|total": 55,
        "A|w1": None,
        "A|w2": None,
        "A|w3": 30,
        "B|total": 50,
        "B|w1": None,
        "B|w2": None,
        "B|w3": 10,
        "C|total": 70,
        "C|w1": 40,
        "C|w2": 10,
        "C|w3": 20,
        "total|total": 175,
        "total|w1": 60,
        "total|w2": 55,
        "total|w3": 60,
    }
    # a rectangle of four hidden cells: every row and column with a hidden cell has two
    assert log(p) == [
        ("A|w1", "primary"),
        ("A|w2", "secondary"),
        ("B|w1", "secondary"),
        ("B|w2", "secondary"),
    ]


def test_a_small_total_is_suppressed_too() -> None:
    t = table("A | 2 | 3\nB | 20 | 30", columns=("w1", "w2"))
    p = protect(t, SDC_2025)
    assert shown(p)["A|total"] is None
    assert ("A|total", "primary") in log(p)
    assert [v for v in shown(p).values() if v is not None and 1 <= v <= 7] == []


def test_a_total_that_rounds_to_zero_is_suppressed() -> None:
    # five cells of 1 and 2 round to 0 each: a total of 0 would mislead, and would tell an attacker that every
    # hidden cell in the line is 1 or 2
    p = protect(table("A | 1\nB | 2\nC | 1\nD | 2\nE | 2\nF | 0"), SDC_2025)
    assert shown(p) == {
        "A|count": None,
        "B|count": None,
        "C|count": None,
        "D|count": None,
        "E|count": None,
        "F|count": 0,
        "total|count": None,
    }
    assert log(p)[-1] == ("total|count", "primary")


def test_earlier_release_cell_unchanged_and_now_publishable_is_hidden_again() -> None:
    # Release 1 under the ONS preset hid A (9); release 2 under the default rules would show A as 10, and
    # A has not changed, so A must stay hidden (and B with it, as in release 1).
    first_table = table("A | 9\nB | 10\nC | 30\nD | 31")
    first = protect(first_table, ONS)
    second = protect(table("A | 9\nB | 10\nC | 30\nD | 36"), SDC_2025, [Earlier(first, ONS)])
    assert shown(second) == {
        "A|count": None,
        "B|count": None,
        "C|count": 30,
        "D|count": 35,
        "total|count": 85,
    }
    assert log(second) == [("A|count", "secondary"), ("B|count", "secondary")]


def test_rule_sets_are_named_and_described() -> None:
    assert SDC_2025.describe()["name"] == "placehub-sdc-2025"
    assert SDC_2025.describe()["suppress_up_to"] == 7
    assert ONS.describe()["suppress_up_to"] == 9
    custom = RuleSet("strict", suppress_up_to=10, round_to=10, description="council's strict set")
    assert custom.rounded(14) == 10 and custom.rounded(15) == 20


def test_cells_are_keyed_by_row_and_column() -> None:
    assert Cell("A", None).key() == "A|total"
    assert Cell.from_key("total|w1") == Cell(None, "w1")
