"""Given-name nicknames and variants (William/Bill/Will/Billy, Margaret/Peggy/Maggie, …), as package data.

Linkage compares a *canonical* first name beside the name as written, so "BILL SMITH" and "WILLIAM SMITH"
agree on the canonical level while an exact match on the written name still counts for more.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

NICKNAMES_FILE = Path(__file__).with_name("nicknames.json")


@cache
def nickname_map() -> dict[str, str]:
    """Upper-case name → its canonical form. A canonical name maps to itself; a variant listed under several
    canonicals maps to the first one in the file (the order is part of the data)."""
    groups: dict[str, list[str]] = json.loads(NICKNAMES_FILE.read_text(encoding="utf-8"))["groups"]
    mapping: dict[str, str] = {}
    for canonical, variants in groups.items():
        for variant in variants:
            mapping.setdefault(variant.upper(), canonical.upper())
    for canonical in groups:
        mapping[canonical.upper()] = canonical.upper()
    return mapping


def canonical_first_name(name: str | None) -> str | None:
    """The canonical form of a first name (``"Bill"`` → ``"WILLIAM"``); unknown names come back upper."""
    if name is None:
        return None
    cleaned = name.strip().upper()
    if not cleaned:
        return None
    return nickname_map().get(cleaned, cleaned)
