"""A small demo borough built once per test session for the demo tests (fixtures are imported by name)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from placehub.demo.borough import BoroughFiles, build_borough

SMALL_HOUSEHOLDS = 3000


@pytest.fixture(scope="session")
def small_borough(tmp_path_factory: pytest.TempPathFactory) -> BoroughFiles:
    return build_borough(tmp_path_factory.mktemp("borough") / "demo", seed=7, households=SMALL_HOUSEHOLDS)


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as f:
        return list(csv.DictReader(f))
