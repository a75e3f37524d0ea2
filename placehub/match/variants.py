"""Flat notations: the same flat written three ways ("FLAT 3, 12 HIGH STREET", "12C HIGH STREET",
"3/12 HIGH ST").

A record whose notation the gazetteer does not use is read again in the gazetteer's other notations, and the
exact and postcode-block rules are applied to each reading. General rules only:

- ``12C HIGH STREET`` (a house number with a letter) → ``FLAT C, 12 HIGH STREET``;
- ``FLAT C, 12 HIGH STREET`` (a lettered flat before a bare house number) → ``12C HIGH STREET``;
- ``3/12 HIGH STREET`` (two bare numbers, after normalisation ``3 12 HIGH STREET``) → ``FLAT 3, 12 HIGH
  STREET``.

A reading is only tried when the record's own notation names nothing in the gazetteer (checked by the caller),
so "45/46 BARRACKS ROW" (two houses knocked together, written so in the gazetteer) is never re-read.
"""

from __future__ import annotations

import re

from placehub.match.normalise import (
    NUMBER_RE,
    SUB_BUILDING_WORDS,
    NormalisedAddress,
    join_word_runs,
    property_numbers,
)

_NUMBER_LETTER = re.compile(r"^(\d+)([A-Z])$")
_BARE_NUMBER = re.compile(r"^\d+$")


def _reading(core: tuple[str, ...], areas: tuple[str, ...]) -> NormalisedAddress:
    return NormalisedAddress(core + areas, core, join_word_runs(core), property_numbers(core))


def flat_notation_readings(record: NormalisedAddress) -> list[NormalisedAddress]:
    """The record read in the other flat notations (none when it has no flat written one of these ways)."""
    core = record.core
    areas = record.tokens[len(core) :]
    out: list[NormalisedAddress] = []
    for i, tok in enumerate(core):
        if i > 0 and core[i - 1] in SUB_BUILDING_WORDS:
            continue  # a flat's own number or letter, not a house number
        m = _NUMBER_LETTER.match(tok)
        if m and i + 1 < len(core) and not NUMBER_RE.match(core[i + 1]):
            out.append(_reading(core[:i] + ("FLAT", m.group(2), m.group(1)) + core[i + 1 :], areas))
            break
        if (
            _BARE_NUMBER.match(tok)
            and i + 2 < len(core)
            and _BARE_NUMBER.match(core[i + 1])
            and not NUMBER_RE.match(core[i + 2])
        ):
            out.append(_reading(core[:i] + ("FLAT", tok) + core[i + 1 :], areas))
            break
    for i in range(len(core) - 2):
        if (
            core[i] in SUB_BUILDING_WORDS
            and len(core[i + 1]) == 1
            and core[i + 1].isalpha()
            and _BARE_NUMBER.match(core[i + 2])
            and i + 3 < len(core)
            and not NUMBER_RE.match(core[i + 3])
        ):
            out.append(_reading(core[:i] + (core[i + 2] + core[i + 1],) + core[i + 3 :], areas))
            break
    return [r for r in out if r.key != record.key]
