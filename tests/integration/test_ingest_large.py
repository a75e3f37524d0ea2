"""A 50 MB partner file loads (streamed), with the exact counts its construction dictates."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from placehub.ingest import load_file
from placehub.ingest.checks import NHS_WEIGHTS
from placehub.settings import Settings
from tests.integration._ingest_helpers import PEOPLE_HEADER, people_contract, stored_files, vault_counts

TARGET_BYTES = 50 * 1024 * 1024


def _valid_nhs(rng: random.Random) -> str:
    while True:
        head = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(head, NHS_WEIGHTS, strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, head)) + str(check)
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def write_big_file(path: Path, seed: int = 50) -> tuple[int, int]:
    """~50 MB of people rows; every 1,000th row has a wrong check digit. Returns (rows, bad rows)."""
    rng = random.Random(seed)
    pool = [_valid_nhs(rng) for _ in range(2_000)]
    streets = ["HIGH STREET", "CHURCH LANE", "BRECON ROAD", "PLANTATION CLOSE", "GLEBELAND STREET"]
    rows = bad = 0
    size = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(PEOPLE_HEADER) + "\r\n")
        while size < TARGET_BYTES:
            nhs = pool[rows % len(pool)]
            if rows % 1000 == 999:
                nhs = nhs[:-1] + str((int(nhs[-1]) + 1) % 10)
                bad += 1
            line = (
                f"P{rows:07d},{nhs},SURNAME{rows % 9973},{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                f'{rng.randint(1920, 2010)},"{rng.randint(1, 200)} {streets[rows % 5]}, MERTHYR TYDFIL",'
                f"CF4{rng.randint(0, 8)} {rng.randint(1, 9)}"
                f"{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTUWXYZ')}\r\n"
            )
            fh.write(line)
            size += len(line)
            rows += 1
    return rows, bad


@pytest.mark.slow
def test_a_50_mb_file_loads(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "big.csv"
    rows, bad = write_big_file(f)
    assert f.stat().st_size >= TARGET_BYTES
    seen: list[tuple[int, int]] = []
    result = load_file(settings, "people", f, user="tester", progress=lambda d, t: seen.append((d, t)))
    assert (result.rows_total, result.rows_accepted, result.rows_rejected) == (rows, rows - bad, bad)
    assert result.top_reasons == [("NHS number fails its check digit", bad)]
    counts = vault_counts(settings)
    assert (counts["raw_people"], counts["records"], counts["rejects"]) == (rows - bad, rows - bad, bad)
    assert seen[-1] == (f.stat().st_size, f.stat().st_size)
    assert stored_files(settings) == [f"{result.sha256}.csv"]
