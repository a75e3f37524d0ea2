"""Address normalisation: one cleaned, comparable form for both the gazetteer and partner records.

General rules only (no per-address exceptions): upper case, postcode taken off the end of the address line,
punctuation dropped, common street-type abbreviations expanded ("RD" → ROAD, "ST" at the end of a street →
STREET, at the start → SAINT), "FLAT"/"APARTMENT"/"APT" unified, a lone letter after a number joined to it
("9 A" → 9A). The *address key* is the cleaned address without its trailing area names (locality, post town)
with runs of words written together ("CEFN GLAS" and "CEFNGLAS" give the same key), so the same property
recorded with or without its locality, or with a split or joined name, gives one key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")
_TRAILING_POSTCODE_RE = re.compile(r"[\s,]*\b[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\s*$")
_DROP_RE = re.compile(r"[.']")
#: Floor shorthands written with a slash ("G/F FLAT", "F/F") → the floor's words, before "/" becomes a space.
_FLOOR_SHORTHAND_RE = re.compile(r"\b([GFS])/F\b")
_FLOOR_SHORTHAND = {"G": "GROUND FLOOR", "F": "FIRST FLOOR", "S": "SECOND FLOOR"}
#: "FLAT NO 5" / "FLAT NO. 5" → FLAT 5.
_FLAT_NO_RE = re.compile(r"\b(FLAT|FLT|APARTMENT|APT|UNIT) NO (?=\d)")
_SEPARATOR_RE = re.compile(r"[^A-Z0-9,]+")
_NUMBER_LETTER_RE = re.compile(r"\b(\d+) ([A-Z])$")
NUMBER_RE = re.compile(r"^\d+[A-Z]?$")

#: Street-type and other common abbreviations → the word a gazetteer writes.
ABBREVIATIONS: dict[str, str] = {
    "RD": "ROAD",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "CRES": "CRESCENT",
    "CRESC": "CRESCENT",
    "CRESCNT": "CRESCENT",
    "TERR": "TERRACE",
    "TER": "TERRACE",
    "TCE": "TERRACE",
    "CL": "CLOSE",
    "DR": "DRIVE",
    "PL": "PLACE",
    "SQ": "SQUARE",
    "GDNS": "GARDENS",
    "LN": "LANE",
    "CT": "COURT",
    "CRT": "COURT",
    "MT": "MOUNT",
    "HSE": "HOUSE",
    "GRN": "GREEN",
    "GRV": "GROVE",
    "PK": "PARK",
    "PDE": "PARADE",
    "WLK": "WALK",
    "EST": "ESTATE",
    "BLDGS": "BUILDINGS",
    "COTTS": "COTTAGES",
    "FM": "FARM",
    "GR": "GROVE",
    "GRD": "GROUND",
    "FLR": "FLOOR",
    "1ST": "FIRST",
    "2ND": "SECOND",
    "3RD": "THIRD",
    "4TH": "FOURTH",
    "FLT": "FLAT",
    "APARTMENT": "FLAT",
    "APT": "FLAT",
}
#: Words that introduce a flat or other part of a building (the sub-building).
SUB_BUILDING_WORDS = frozenset(
    {"FLAT", "FLATS", "UNIT", "ROOM", "MAISONETTE", "BEDSIT", "STUDIO", "ANNEX", "ANNEXE", "BASEMENT"}
)
#: Words that carry no identity on their own when comparing two addresses.
STOPWORDS = frozenset({"THE", "OF", "AND", "AT", "TO", "FLAT", "FLATS"})


def normalise_postcode(postcode: str | None) -> str | None:
    """``cf47 9sj`` → ``CF47 9SJ``; anything that is not a UK postcode shape → None."""
    if not postcode:
        return None
    compact = re.sub(r"\s+", "", postcode.upper())
    m = POSTCODE_RE.match(compact)
    return f"{m.group(1)} {m.group(2)}" if m else None


def _expand(token: str, position: int, last: int) -> str:
    if token == "ST":
        # "ST JOHNS ROAD" (saint) vs "HIGH ST" (street): the position in its segment decides.
        return "STREET" if position == last and last > 0 else "SAINT"
    return ABBREVIATIONS.get(token, token)


def segments(address: str | None) -> list[tuple[str, ...]]:
    """The address as comma-separated segments of normalised tokens, postcode removed."""
    text = (address or "").upper()
    text = _TRAILING_POSTCODE_RE.sub("", text)
    out: list[tuple[str, ...]] = []
    for raw in text.split(","):
        seg = _segment(raw)
        if seg:
            out.append(seg)
    return out


@lru_cache(maxsize=1 << 18)
def _segment(raw: str) -> tuple[str, ...]:
    """One comma-separated part, normalised. Cached: street, locality and town parts repeat across a file."""
    text = _DROP_RE.sub("", raw)
    text = _FLOOR_SHORTHAND_RE.sub(lambda m: _FLOOR_SHORTHAND[m.group(1)], text)
    text = _SEPARATOR_RE.sub(" ", text)
    text = _FLAT_NO_RE.sub(r"\1 ", text)
    seg = _NUMBER_LETTER_RE.sub(r"\1\2", " ".join(text.split()))
    if not seg:
        return ()
    words = seg.split(" ")
    last = len(words) - 1
    return tuple(_expand(w, i, last) for i, w in enumerate(words))


def is_numberish(token: str) -> bool:
    return bool(NUMBER_RE.match(token))


def property_numbers(tokens: Sequence[str]) -> tuple[str, ...]:
    """House and flat numbers (``12``, ``1A``) and lettered flats (``FLAT B`` → ``B``), sorted."""
    found: list[str] = []
    for i, tok in enumerate(tokens):
        if NUMBER_RE.match(tok) or len(tok) == 1 and i > 0 and tokens[i - 1] in SUB_BUILDING_WORDS:
            found.append(tok)
    return tuple(sorted(found))


@dataclass(frozen=True)
class AreaNames:
    """Locality and post-town names of a place, as token tuples (learned from its gazetteer)."""

    names: frozenset[tuple[str, ...]]

    @cached_property
    def longest(self) -> int:
        return max((len(n) for n in self.names), default=0)

    def strip(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """Drop trailing area names, keeping at least one word that is not a number or a flat word."""
        toks = tuple(tokens)
        longest = self.longest
        while True:
            cut = 0
            for size in range(min(longest, len(toks) - 1), 0, -1):
                if toks[-size:] in self.names:
                    cut = size
                    break
            if not cut or not _has_name_word(toks[:-cut]):
                return toks
            toks = toks[:-cut]


def _has_name_word(tokens: Sequence[str]) -> bool:
    return any(not NUMBER_RE.match(t) and t not in SUB_BUILDING_WORDS and len(t) > 1 for t in tokens)


def learn_area_names(
    addresses: Iterable[list[tuple[str, ...]]],
    extra: Iterable[str | None] = (),
    min_count: int = 5,
) -> AreaNames:
    """Learn the place's area names from its gazetteer's segmented addresses.

    A post town is a last segment (postcode already removed) seen at least ``min_count`` times; a locality is
    a segment seen at least ``min_count`` times just before a post town, after a segment that is a word (not a
    bare house number) and whose last word is not a street type. ``extra`` adds names given as components
    (the gazetteer's locality and town columns), when the contract maps them.
    """
    segs = [s for s in addresses if s]
    last_counts: dict[tuple[str, ...], int] = {}
    for s in segs:
        if len(s) >= 2 and not any(NUMBER_RE.match(t) for t in s[-1]):
            last_counts[s[-1]] = last_counts.get(s[-1], 0) + 1
    towns = {k for k, n in last_counts.items() if n >= min_count}
    local_counts: dict[tuple[str, ...], int] = {}
    for s in segs:
        if len(s) >= 3 and s[-1] in towns:
            cand, before = s[-2], s[-3]
            if any(NUMBER_RE.match(t) for t in cand) or cand[-1] in STREET_TYPES:
                continue
            if all(NUMBER_RE.match(t) for t in before):
                continue
            local_counts[cand] = local_counts.get(cand, 0) + 1
    localities = {k for k, n in local_counts.items() if n >= min_count}
    names = set(towns) | localities
    for value in extra:
        if value:
            for seg in segments(value):
                names.add(seg)
    return AreaNames(frozenset(names))


STREET_TYPES = frozenset(
    {
        "ROAD",
        "STREET",
        "LANE",
        "TERRACE",
        "AVENUE",
        "CLOSE",
        "CRESCENT",
        "PLACE",
        "SQUARE",
        "ROW",
        "COURT",
        "DRIVE",
        "WAY",
        "GROVE",
        "GARDENS",
        "WALK",
        "RISE",
        "VIEW",
        "HILL",
        "MEWS",
        "PARADE",
    }
)


def join_word_runs(tokens: Sequence[str]) -> str:
    """Tokens as one key, neighbouring words joined: FLAT 1 74 PONT MORLAIS → FLAT 1 74 PONTMORLAIS."""
    parts: list[str] = []
    separate = True  # the next word starts a new part (after a number, a flat word or a flat's letter)
    for i, tok in enumerate(tokens):
        is_id = NUMBER_RE.match(tok) or (len(tok) == 1 and i > 0 and tokens[i - 1] in SUB_BUILDING_WORDS)
        if parts and not separate and not is_id:
            parts[-1] += tok
        else:
            parts.append(tok)
        separate = bool(is_id) or tok in SUB_BUILDING_WORDS
    return " ".join(parts)


@dataclass(frozen=True)
class NormalisedAddress:
    tokens: tuple[str, ...]  # every token, area names included
    core: tuple[str, ...]  # without trailing area names
    key: str  # the comparable address key (core, word runs joined)
    numbers: tuple[str, ...]  # property numbers in the core


def normalise_address(address: str | None, areas: AreaNames) -> NormalisedAddress:
    segs = segments(address)
    tokens = tuple(t for s in segs for t in s)
    core = areas.strip(tokens)
    return NormalisedAddress(
        tokens=tokens, core=core, key=join_word_runs(core), numbers=property_numbers(core)
    )
