"""The security boundary: outside the pipeline stages, no module reads person-level vault tables itself.

Person-level rows reach a person only through ``placehub.govern`` (``open_access(...).rows(...)``); see
docs/security.md. The pipeline stages below write and read those tables as the system, never for a person.
"""

from __future__ import annotations

import re
from pathlib import Path

import placehub

PACKAGE = Path(placehub.__file__).resolve().parent
# Pipeline stages that may touch person-level tables directly (they act as the system, not for a person).
PIPELINE = {"ingest", "match", "link", "govern", "store", "place", "demo"}
# Modules outside the pipeline that read those tables for counts only (no row leaves), each with its reason.
# Adding one here needs a reviewer who has read docs/security.md.
AGGREGATE_ONLY = {
    "web/dashboard_data.py": "match-status counts per source for the dashboard",
}
PERSON_LEVEL = r"(current_records|records|rejects|matches|raw_[A-Za-z0-9_{}]*)"
DIRECT_READ = re.compile(
    rf"(\b(from|join)\s+[\"'`]?{PERSON_LEVEL}\b)|(\.table\(\s*[\"']{PERSON_LEVEL}[\"']\s*\))", re.IGNORECASE
)


def direct_reads() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in PIPELINE or rel.as_posix() in AGGREGATE_ONLY:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DIRECT_READ.search(line):
                found.append(f"placehub/{rel}:{n}: {line.strip()}")
    return found


def test_no_direct_person_level_reads_outside_the_pipeline() -> None:
    found = direct_reads()
    assert found == [], (
        "These lines read person-level vault tables directly; take an Access and call "
        "access.rows(dataset, columns) instead (docs/security.md):\n" + "\n".join(found)
    )


def test_the_pattern_catches_what_it_should() -> None:
    caught = [
        'con.execute("select * from records where source = ?")',
        "select nhs_number from current_records",
        'f"select * from raw_{source}"',
        "left join matches m on m.record_id = r.record_id",
        'con.table("rejects")',
    ]
    missed = ["from records_of_releases import x", "the matches were reviewed", "select * from gazetteer"]
    assert [bool(DIRECT_READ.search(s)) for s in caught] == [True] * 5
    assert [bool(DIRECT_READ.search(s)) for s in missed] == [False, False, False]
