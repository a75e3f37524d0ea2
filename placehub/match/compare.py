"""Consistency checks between a record's address and one gazetteer candidate (general rules, no scores).

A candidate may score well and still be the wrong property: the house next door, another flat in the same
block, a named house on the right street. These checks look at what a person would: do the house and flat
numbers agree, is every word the record gives found in the candidate, is every name the candidate carries
found in the record, and how far apart are the postcodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from placehub.match.normalise import NUMBER_RE, STOPWORDS, SUB_BUILDING_WORDS, NormalisedAddress


def edit_distance(a: str, b: str, cap: int = 8) -> int:
    """Edit distance counting a swap of neighbouring letters as one edit (optimal string alignment), stopping
    early once it exceeds ``cap``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, before[j - 2] + 1)
            cur.append(v)
            best = min(best, v)
        if best > cap:
            return cap + 1
        before, prev = prev, cur
    return prev[-1]


def postcode_distance(a: str | None, b: str | None) -> int | None:
    """Character edits between two postcodes; None when either is missing."""
    if not a or not b:
        return None
    return edit_distance(a.replace(" ", ""), b.replace(" ", ""))


def _is_abbreviation(word: str, other: str) -> bool:
    """CRES for CRESCENT, UPR for UPPER, HSE for HOUSE: same first letter, letters in order."""
    if len(word) < 3 or len(other) <= len(word) or word[0] != other[0]:
        return False
    it = iter(other)
    return all(ch in it for ch in word)


def _transposed(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@lru_cache(maxsize=1 << 20)
def _close(word: str, other: str) -> bool:
    # Cached: the same few thousand street and area words are compared again for every record.
    if word == other:
        return True
    if _is_abbreviation(word, other):
        return True
    if len(word) >= 4 and _transposed(word, other):
        return True
    if min(len(word), len(other)) < 4:
        return False
    allowed = 1 if max(len(word), len(other)) < 8 else 2
    return edit_distance(word, other, allowed) <= allowed


def _word_found(word: str, words: tuple[str, ...], joined: set[str]) -> bool:
    if word in joined:
        return True
    return any(_close(word, w) for w in words) or any(_close(word, j) for j in joined)


def _words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in tokens if not NUMBER_RE.match(t) and t not in STOPWORDS and len(t) > 1)


def _joined_pairs(tokens: tuple[str, ...]) -> set[str]:
    """Every token and every pair/triple of neighbouring words written together (CEFN GLAS → CEFNGLAS)."""
    out = set(tokens)
    for i in range(len(tokens) - 1):
        out.add(tokens[i] + tokens[i + 1])
        if i + 2 < len(tokens):
            out.add(tokens[i] + tokens[i + 1] + tokens[i + 2])
    return out


#: Words describing a kind or part of a building rather than naming it: a record may add them ("The Cottage,
#: 9 Thomas Street") where the gazetteer does not, without pointing at another property.
DESCRIPTORS = frozenset(
    {
        "COTTAGE", "BUNGALOW", "COACH", "HOUSE", "LODGE", "BARN", "FARMHOUSE", "ANNEX", "ANNEXE", "VICARAGE",
        "STABLES", "REAR", "OVER", "ABOVE", "BELOW", "OFF", "ADJACENT", "PLOT", "DEVELOPMENT", "BUILD",
        "LAND", "SITE", "FLOOR", "FLR", "STORE", "STORES", "SHOP", "PREMISES", "BUILDING",
    }
)  # fmt: skip
#: Floor words: a record's floor may be missing from the candidate, but must not contradict the candidate's.
FLOORS = frozenset(
    {"GROUND", "FIRST", "SECOND", "THIRD", "FOURTH", "TOP", "BASEMENT", "1ST", "2ND", "3RD", "4TH"}
)
#: A word in at most this many gazetteer addresses names a property (a house name), not a street or area.
DISTINCTIVE_DF = 10


@dataclass(frozen=True)
class Neighbourhood:
    """What is around a candidate: the other gazetteer addresses at the postcodes involved and the other
    candidates, and each word's document frequency in the gazetteer."""

    others: tuple[NormalisedAddress, ...]
    other_postcodes: tuple[str | None, ...]
    document_frequency: Mapping[str, int]
    area_words: frozenset[str] = frozenset()
    keys: frozenset[str] | Mapping[str, object] = frozenset()  # every gazetteer address key
    _found: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """Every word of the nearby addresses (computed once per neighbourhood)."""
        return tuple({t for o in self.others for t in o.tokens})

    def names(self, word: str) -> bool:
        """Is ``word`` (allowing for typing slips) a word of a nearby address? Remembered per word."""
        found = self._found.get(word)
        if found is None:
            toks = self.tokens
            found = self._found[word] = _word_found(word, toks, set(toks))
        return found


@dataclass(frozen=True)
class PairCheck:
    problems: tuple[str, ...]  # plain-English reasons not to auto-accept; empty: consistent
    tolerated: tuple[str, ...]  # differences seen and judged harmless (for the reason text)

    @property
    def consistent(self) -> bool:
        return not self.problems


def _numbers_left(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    rest = list(a)
    for n in b:
        if n in rest:
            rest.remove(n)
    return tuple(rest)


def _house_number(core: tuple[str, ...]) -> str | None:
    """The building's number: the last number in the address before its street (flat numbers come first)."""
    numbers = [
        t
        for i, t in enumerate(core)
        if NUMBER_RE.match(t) and (i == 0 or core[i - 1] not in SUB_BUILDING_WORDS)
    ]
    return numbers[-1] if numbers else None


def _fits(record: NormalisedAddress, words: tuple[str, ...], other: NormalisedAddress) -> bool:
    """Does ``other`` carry all the record's numbers and words too?"""
    if not words or _numbers_left(record.numbers, other.numbers):
        return False
    joined = _joined_pairs(other.tokens)
    return all(
        w in joined or any(len(w) >= 5 and edit_distance(w, t, 1) <= 1 for t in other.tokens) for w in words
    )


def check_pair(
    record: NormalisedAddress,
    record_postcode: str | None,
    candidate: NormalisedAddress,
    candidate_postcode: str | None,
    nearby: Neighbourhood | None = None,
    postcode_tolerance: int = 3,
) -> PairCheck:
    """Compare a record with one candidate, using the neighbourhood to judge whether a difference matters."""
    problems: list[str] = []
    tolerated: list[str] = []
    others = nearby.others if nearby else ()
    df = nearby.document_frequency if nearby else {}

    # Numbers: a house or flat number on both sides that differs is never auto-accepted.
    rec_extra = _numbers_left(record.numbers, candidate.numbers)
    cand_extra = _numbers_left(candidate.numbers, record.numbers)
    rec_house, cand_house = _house_number(record.core), _house_number(candidate.core)
    if rec_house and cand_house and rec_house != cand_house and not (rec_extra and cand_extra):
        problems.append(f"house number disagrees ({rec_house} in the record, {cand_house} in the candidate)")
    if rec_extra and cand_extra:
        problems.append(
            f"numbers disagree ({'/'.join(rec_extra)} in the record, {'/'.join(cand_extra)} in the candidate)"
        )
    elif rec_extra:
        # The record is more specific (a flat, or a number for a named house). Fine only if the gazetteer
        # does not divide that building (or number that street) further: else the number picks another one.
        if candidate.numbers:
            lettered = {f"{n}{x}" for n in candidate.numbers for x in rec_extra if len(x) == 1}
            divided = any(
                (set(candidate.numbers) < set(o.numbers) and not _numbers_left(candidate.numbers, o.numbers))
                or lettered & set(o.numbers)
                for o in others
            )
        else:
            divided = any(n in o.numbers for o in others for n in rec_extra)
        if divided or nearby is None:
            problems.append(f"number {'/'.join(rec_extra)} in the record is not in the candidate")
        else:
            tolerated.append(f"record adds number {'/'.join(rec_extra)}")

    # Words.
    cand_joined = _joined_pairs(candidate.tokens)
    missing = [w for w in _words(record.core) if not _word_found(w, candidate.tokens, cand_joined)]
    rec_joined = _joined_pairs(record.tokens)
    cand_missing = [w for w in _words(candidate.core) if not _word_found(w, record.tokens, rec_joined)]
    rec_floors = set(record.tokens) & FLOORS
    cand_floors = set(candidate.tokens) & FLOORS
    if rec_floors and cand_floors and rec_floors != cand_floors:
        problems.append(f"floor disagrees ({' '.join(sorted(rec_floors))} / {' '.join(sorted(cand_floors))})")
    descriptive = [w for w in missing if w in DESCRIPTORS or w in FLOORS]
    naming = [w for w in missing if w not in descriptive]
    if descriptive:
        tolerated.append(f"record adds {' '.join(descriptive)}")
    if nearby is None and naming:
        problems.append(f"record word(s) {' '.join(naming)} not in the candidate")
    elif naming:
        area_words = nearby.area_words
        elsewhere = [w for w in naming if w not in area_words and nearby.names(w)]
        if elsewhere:
            problems.append(f"record word(s) {' '.join(elsewhere)} name another address nearby")
        elif cand_missing:
            shared = [
                w for w in _words(record.core)
                if df.get(w, 0) <= DISTINCTIVE_DF and _word_found(w, candidate.tokens, cand_joined)
            ]  # fmt: skip
            same_number_at_postcode = [
                o for o, pc in zip(others, nearby.other_postcodes, strict=True)
                if pc == candidate_postcode and set(o.numbers) & set(candidate.numbers)
            ]  # fmt: skip
            if shared:
                tolerated.append(f"street differs but the name {' '.join(shared)} agrees")
            elif (
                candidate.numbers
                and all(df.get(w, 0) > 0 for w in naming)  # a real name, not a misspelling of another street
                and record.key not in nearby.keys  # ... and not the exact name of another address
                and record.numbers == candidate.numbers
                and record_postcode == candidate_postcode
                and not same_number_at_postcode
            ):
                # In a UK postcode a house number alone picks one property.
                tolerated.append("street differs but postcode and number pick this property alone")
            else:
                problems.append(
                    f"record has {' '.join(naming)} where the candidate has {' '.join(cand_missing)}"
                )
        else:
            tolerated.append(f"record adds {' '.join(naming)}")

    # The candidate is more specific (it has a number or name the record lacks): fine unless another nearby
    # address fits the record just as well.
    if (cand_extra and not rec_extra) or (cand_missing and not naming):
        words = _words(record.core)
        own = postcode_distance(record_postcode, candidate_postcode)
        rivals = [
            o
            for o, pc in zip(others, nearby.other_postcodes if nearby else (), strict=False)
            if _fits(record, words, o)
            and (own is None or (postcode_distance(record_postcode, pc) or 0) <= own)
        ]
        if rivals:
            problems.append(f"{len(rivals)} other nearby address(es) fit the record as well")
        elif cand_extra:
            tolerated.append(f"candidate adds number {'/'.join(cand_extra)}")

    # Area names the record states (its trailing locality / town) must be the candidate's.
    stated = set(record.tokens[len(record.core) :])
    if stated - set(candidate.tokens):
        problems.append(f"area {' '.join(sorted(stated - set(candidate.tokens)))} is not the candidate's")

    dist = postcode_distance(record_postcode, candidate_postcode)
    if dist is not None and dist > postcode_tolerance:
        problems.append(f"postcodes differ by {dist} characters")
    return PairCheck(tuple(problems), tuple(tolerated))
