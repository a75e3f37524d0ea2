"""Benchmark sets and the demo CLI."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from placehub.cli import app
from placehub.demo.bench_sets import write_match_bench, write_person_bench
from placehub.demo.identifiers import is_valid_nhs_number


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_match_bench_has_the_shapes_the_benchmark_reads(tmp_path: Path) -> None:
    gazetteer, messy = write_match_bench(tmp_path, 3000, seed=5)
    g = _rows(gazetteer)
    m = _rows(messy)
    assert list(g[0]) == ["uprn", "address", "postcode"]
    assert list(m[0]) == ["id", "address", "postcode", "true_uprn"]
    assert len(m) == 3000
    assert len({r["id"] for r in m}) == 3000
    uprns = {r["uprn"] for r in g}
    assert len(uprns) == len(g)
    assert {r["true_uprn"] for r in m} <= uprns
    canonical = {r["uprn"]: r for r in g}
    same = sum(r["address"] == canonical[r["true_uprn"]]["address"] for r in m)
    assert same < 0.5 * len(m)  # messy, not copies
    right_postcode = sum(r["postcode"] == canonical[r["true_uprn"]]["postcode"] for r in m)
    assert right_postcode >= 0.7 * len(m)


def test_match_bench_is_deterministic(tmp_path: Path) -> None:
    a = write_match_bench(tmp_path / "a", 500, seed=5)
    b = write_match_bench(tmp_path / "b", 500, seed=5)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_person_bench_has_several_records_per_person(tmp_path: Path) -> None:
    path = write_person_bench(tmp_path / "people.csv", 20_000, seed=2)
    rows = _rows(path)
    assert list(rows[0]) == [
        "unique_id",
        "first_name",
        "surname",
        "dob",
        "postcode",
        "uprn",
        "nhs_number",
        "phone",
        "email",
        "true_person_id",
    ]
    assert len(rows) == 20_000
    assert len({r["unique_id"] for r in rows}) == 20_000
    people = {r["true_person_id"] for r in rows}
    assert 0.3 * len(rows) < len(people) < 0.5 * len(rows)
    nhs = [r["nhs_number"] for r in rows if r["nhs_number"]]
    invalid = sum(not is_valid_nhs_number(n) for n in nhs)
    assert 0 < invalid < 0.03 * len(nhs)
    nicknames = {r["first_name"] for r in rows} & {"Bill", "Peggy", "Bob", "Liz", "Jim"}
    assert nicknames


def test_person_bench_is_deterministic(tmp_path: Path) -> None:
    a = write_person_bench(tmp_path / "a.csv", 3000, seed=9)
    b = write_person_bench(tmp_path / "b.csv", 3000, seed=9)
    c = write_person_bench(tmp_path / "c.csv", 3000, seed=10)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_cli_builds_a_borough_and_bench_sets(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "build", "--seed", "2", "--households", "700", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "gazetteer.csv").is_file()
    assert (out / "partners" / "food_support.xlsx").is_file()
    assert "gazetteer.csv" in result.output
    result = runner.invoke(app, ["demo", "bench-set", "match", "--n", "200", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert len(_rows(tmp_path / "m" / "messy.csv")) == 200
    result = runner.invoke(
        app, ["demo", "bench-set", "people", "--n", "300", "--out", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 0, result.output
    assert len(_rows(tmp_path / "p.csv")) == 300
