"""Linkage review: an uncertain pair of records side by side, and the decision (accept: one person;
reject: two).

Pairs come from the link stage (``placehub.link.pending_pairs``: ids and scores only). The records themselves
are person-level and often have no confirmed place yet, so each side is read through
``Access.review_rows`` — only the columns the viewer's agreement shares for that source, audited as
``link.review.show``. A source the agreement does not share shows as withheld rather than being asked for.
Decisions go to ``placehub.link.decide`` and take effect on the next ``placehub link run``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from placehub.errors import NotFound
from placehub.govern import Access
from placehub.govern.agreement import PERSON_ID
from placehub.ingest import load_contract
from placehub.ingest.roles import role_label
from placehub.link import Decision, ReviewPair, decide, pending_pairs
from placehub.settings import Settings
from placehub.store import Catalogue, Vault
from placehub.web.deps import VAULT_LOCK
from placehub.web.vault_read import reading

# Roles shown first and in this order, so that the two sides line up by meaning, not by column name.
ROLE_ORDER = ("record_id", "nhs_number", "first_name", "surname", "full_name", "dob", "sex", "address",
              "postcode", "phone", "email", "shared_id", "uprn")  # fmt: skip


@dataclass(frozen=True)
class PairRow:
    """A pair in the queue: ids and score only (no person-level values)."""

    pair_id: int
    record_l: str
    record_r: str
    match_probability: float


@dataclass(frozen=True)
class FieldRow:
    label: str
    left: str | None
    right: str | None

    @property
    def agrees(self) -> bool | None:
        if not self.left or not self.right:
            return None
        return self.left.strip().upper() == self.right.strip().upper()


@dataclass
class Side:
    unique_id: str
    source: str
    record_id: str
    shown: bool
    note: str = ""
    values: dict[str, str | None] = field(default_factory=dict)  # label → value, in display order


@dataclass
class LinkPairPage:
    pair_id: int
    match_probability: float
    left: Side
    right: Side
    rows: list[FieldRow]
    position: int
    open_pairs: int
    next_pair: int | None
    purpose: str


def split_unique_id(unique_id: str) -> tuple[str, str]:
    source, sep, record_id = unique_id.partition("|")
    if not sep:
        raise NotFound(f"'{unique_id}' is not a linkage record id (source|record_id).")
    return source, record_id


def open_pairs(settings: Settings, catalogue: Catalogue) -> list[PairRow]:
    """Pairs waiting for a decision, most likely first; empty (and no vault created) before any load."""
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        return []
    with VAULT_LOCK.shared():  # pending_pairs reads the (existing) vault read-only
        pairs: list[ReviewPair] = pending_pairs(vault, catalogue)
    return [PairRow(p.pair_id, p.record_l, p.record_r, float(p.match_probability)) for p in pairs]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return None if text in ("NaT", "nan", "<NA>") else text


def _labelled_columns(settings: Settings, source: str, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    """(column, label) for the agreed columns of ``source`` in its contract, roles first in ROLE_ORDER."""
    contract = load_contract(settings, source)
    names = [c for c in contract.field_names if c in allowed and c != PERSON_ID]
    role_of = {c: role for role, cols in contract.roles.items() for c in cols}

    def rank(column: str) -> int:
        role = role_of.get(column)
        return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)

    out = []
    for col in sorted(names, key=rank):  # stable: columns of equal rank keep the contract's order
        role = role_of.get(col)
        # a role spread over several columns (address lines) keeps the column names apart
        single = role is not None and len(contract.roles[role]) == 1
        out.append((col, role_label(role) if single else col))
    return out


def read_sides(access: Access, settings: Settings, unique_ids: list[str], pair_id: int) -> dict[str, Side]:
    """Each record's agreed values, one governed ``review_rows`` call per source."""
    wanted: dict[str, list[str]] = defaultdict(list)
    sides: dict[str, Side] = {}
    for uid in unique_ids:
        source, record_id = split_unique_id(uid)
        sides[uid] = Side(uid, source, record_id, shown=False)
        wanted[source].append(record_id)
    for source, record_ids in wanted.items():
        terms = access.agreement.dataset(source)
        if terms is None or access.organisation not in terms.recipients:
            for uid in (u for u in unique_ids if sides[u].source == source):
                sides[uid].note = f"Not shared with {access.organisation} under purpose {access.purpose}."
            continue
        columns = _labelled_columns(settings, source, terms.columns)
        names = [c for c, _ in columns]
        try:
            with reading(settings):  # review_rows reads the vault read-only
                frame = access.review_rows(source, names, record_ids, action="link.review.show",
                                           context={"link_pair": pair_id})  # fmt: skip
        except NotFound:  # the source's rows are gone (retention) or were never loaded here
            for uid in (u for u in unique_ids if sides[u].source == source):
                sides[uid].note = f"No rows of {source} are loaded any more."
            continue
        for uid in (u for u in unique_ids if sides[u].source == source):
            side = sides[uid]
            if side.record_id not in frame.index:
                side.note = "Withheld (an objection, out of the agreement's area, or no longer loaded)."
                continue
            row = frame.loc[[side.record_id]].iloc[0]  # the first, should a record id repeat
            side.shown = True
            side.values = {label: _text(row[col]) for col, label in columns}
    return sides


def aligned_rows(left: Side, right: Side) -> list[FieldRow]:
    labels = list(dict.fromkeys([*left.values, *right.values]))
    return [FieldRow(label, left.values.get(label), right.values.get(label)) for label in labels]


def pair_page(access: Access, settings: Settings, catalogue: Catalogue, pair_id: int) -> LinkPairPage:
    pairs = open_pairs(settings, catalogue)
    index = next((n for n, p in enumerate(pairs) if p.pair_id == pair_id), None)
    if index is None:
        raise NotFound(f"Linkage pair {pair_id} is not waiting for review: it was decided or does not exist.")
    pair = pairs[index]
    sides = read_sides(access, settings, [pair.record_l, pair.record_r], pair.pair_id)
    left, right = sides[pair.record_l], sides[pair.record_r]
    following = pairs[index + 1] if index + 1 < len(pairs) else (pairs[0] if len(pairs) > 1 else None)
    return LinkPairPage(
        pair_id=pair.pair_id, match_probability=pair.match_probability, left=left, right=right,
        rows=aligned_rows(left, right), position=index + 1, open_pairs=len(pairs),
        next_pair=following.pair_id if following else None, purpose=access.purpose,
    )  # fmt: skip


@dataclass(frozen=True)
class LinkDecisionMade:
    pair_id: int
    record_l: str
    record_r: str
    decision: str


def decide_pair(
    access: Access, settings: Settings, catalogue: Catalogue, pair_id: int, decision: str, note: str | None
) -> LinkDecisionMade:
    """Record ``accept`` or ``reject`` for a waiting pair as the access's user (under a governed access)."""
    pairs = {p.pair_id: p for p in open_pairs(settings, catalogue)}
    if pair_id not in pairs:
        raise NotFound(f"Linkage pair {pair_id} is not waiting for review: it was decided or does not exist.")
    with VAULT_LOCK:
        row = decide(
            Vault(settings.vault_path), catalogue, Decision(decision), pair_id=pair_id,
            decided_by=access.user.username, note=note or None,
        )  # fmt: skip
    return LinkDecisionMade(pair_id, row.record_l, row.record_r, row.decision)
