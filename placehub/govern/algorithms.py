"""Algorithmic Transparency Recording Standard (ATRS) style records for each algorithmic tool placehub runs.

The records are data (``algorithms.yaml`` beside this file), so the register says in plain English what the
software does; a council adds its own tools with ``register_tool``, the way the shipped ones are registered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

RECORDS = Path(__file__).resolve().parent / "algorithms.yaml"


@dataclass(frozen=True)
class ToolRecord:
    name: str
    summary: str  # Tier 1: what it is and why it is used
    how_it_works: str
    decision_role: str  # what it decides, and what a person decides
    human_oversight: str
    data_used: str
    risks_and_mitigations: str
    software: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


TOOLS: dict[str, ToolRecord] = {}


def register_tool(record: ToolRecord) -> ToolRecord:
    TOOLS[record.name] = record
    return record


for _entry in yaml.safe_load(RECORDS.read_text(encoding="utf-8")):
    register_tool(ToolRecord(**_entry))
