"""The review queue: list what needs a person, accept (with a UPRN) or reject; decisions are remembered.

A decision is stored for the source's normalised address and postcode, so the same address in the next load of
that source is decided the same way (status ``reviewed``, method ``remembered``) without asking again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
from sqlalchemy import select

from placehub.ingest.contract import contract_from_file, find_contract
from placehub.match.errors import ReviewItemNotFound, UnknownUprn
from placehub.match.thresholds import MatchMethod, MatchStatus
from placehub.settings import Settings
from placehub.store import Vault, open_catalogue
from placehub.store.models_match import MatchDecisionRecord, MatchReviewItem

if TYPE_CHECKING:
    from placehub.govern import Access


@dataclass(frozen=True)
class ReviewItemView:
    id: int
    source: str
    record_id: str
    address: str | None
    postcode: str | None
    suggested_uprn: str | None
    reason: str
    candidates: list[dict]


@dataclass(frozen=True)
class ReviewOutcome:
    item_id: int
    source: str
    uprn: str | None
    records_updated: int  # vault match rows now 'reviewed' (every record of the source with this address)


def list_review(settings: Settings, source: str | None = None) -> list[ReviewItemView]:
    """Open review items, oldest first, with the record's address and the candidates from the vault."""
    cat = open_catalogue(settings.database_url)
    try:
        with cat.session() as s:
            q = select(MatchReviewItem).where(MatchReviewItem.state == "open")
            if source:
                q = q.where(MatchReviewItem.source == source)
            items = list(s.scalars(q.order_by(MatchReviewItem.id)).all())
    finally:
        cat.dispose()
    if not items:
        return []
    details: dict[tuple[str, str], tuple] = {}
    vault = Vault(settings.vault_path)
    with vault.connect(read_only=True) as con:
        if vault.has_table(con, "matches"):
            for src in {i.source for i in items}:
                for rid, addr, pc, cands in con.execute(
                    "select record_id, address, postcode, candidates from matches where source = ?", [src]
                ).fetchall():
                    details[(src, rid)] = (addr, pc, cands)
    out = []
    for i in items:
        addr, pc, cands = details.get((i.source, i.record_id), (None, i.postcode, "[]"))
        out.append(
            ReviewItemView(
                i.id, i.source, i.record_id, addr, pc, i.suggested_uprn, i.reason, json.loads(cands or "[]")
            )
        )
    return out


def item_candidates(con: duckdb.DuckDBPyConnection, source: str, record_id: str) -> list[dict]:
    """The candidate UPRNs (gazetteer addresses, not the record's own) the matcher kept for one record."""
    row = con.execute(
        "select candidates from matches where source = ? and record_id = ? limit 1", [source, record_id]
    ).fetchone()
    return json.loads(row[0] or "[]") if row else []


def _gazetteer_has(settings: Settings, uprn: str) -> bool:
    vault = Vault(settings.vault_path)
    with vault.connect(read_only=True) as con:
        if not vault.has_table(con, "gazetteer"):
            return False
        return con.execute("select count(*) from gazetteer where uprn = ?", [uprn]).fetchone()[0] > 0


def _decide(
    settings: Settings, item_id: int, uprn: str | None, note: str | None, accept: bool
) -> ReviewOutcome:
    cat = open_catalogue(settings.database_url)
    try:
        with cat.session() as s:
            item = s.get(MatchReviewItem, item_id)
            if item is None or item.state != "open":
                state = "does not exist" if item is None else f"is already {item.state}"
                raise ReviewItemNotFound(
                    f"Review item {item_id} {state}: `placehub review list` shows the open items."
                )
            if accept:
                uprn = (uprn or item.suggested_uprn or "").strip() or None
                if uprn is None:
                    raise UnknownUprn(
                        f"Review item {item_id} has no suggested UPRN: give one with --uprn, or reject it."
                    )
                if not _gazetteer_has(settings, uprn):
                    raise UnknownUprn(
                        f"UPRN {uprn} is not in the gazetteer: check the number against the gazetteer."
                    )
            else:
                uprn = None
            postcode = item.postcode or ""
            decision = s.scalars(
                select(MatchDecisionRecord).where(
                    MatchDecisionRecord.source == item.source,
                    MatchDecisionRecord.address_key == item.address_key,
                    MatchDecisionRecord.postcode == postcode,
                )
            ).one_or_none()
            now = datetime.now(UTC)
            if decision is None:
                decision = MatchDecisionRecord(
                    source=item.source, address_key=item.address_key, postcode=postcode
                )
                s.add(decision)
            decision.uprn = uprn
            decision.decided_by = settings.user
            decision.decided_at = now
            decision.note = note
            s.flush()
            same = s.scalars(
                select(MatchReviewItem).where(
                    MatchReviewItem.source == item.source,
                    MatchReviewItem.address_key == item.address_key,
                    MatchReviewItem.postcode == item.postcode,
                    MatchReviewItem.state == "open",
                )
            ).all()
            record_ids = [i.record_id for i in same]
            for i in same:
                i.state = "accepted" if accept else "rejected"
                i.decision_id = decision.id
            source = item.source
    finally:
        cat.dispose()
    reason = f"reviewed by {settings.user}: " + (f"UPRN {uprn}" if uprn else "no match")
    vault = Vault(settings.vault_path)
    with vault.connect() as con:
        con.execute(
            "update matches set uprn = ?, status = ?, method = ?, decided_by = ?, reason = ? "
            "where source = ? and record_id in (select unnest(?::VARCHAR[]))",
            [uprn, MatchStatus.REVIEWED.value, MatchMethod.REVIEWED.value, settings.user, reason, source,
             record_ids],
        )  # fmt: skip
    return ReviewOutcome(item_id, source, uprn, len(record_ids))


def accept(
    settings: Settings, item_id: int, uprn: str | None = None, note: str | None = None
) -> ReviewOutcome:
    """Accept a review item with its suggested UPRN, or with ``uprn`` (which must be in the gazetteer)."""
    return _decide(settings, item_id, uprn, note, accept=True)


def reject(settings: Settings, item_id: int, note: str | None = None) -> ReviewOutcome:
    """Decide that the record's address has no UPRN in the gazetteer ("no match")."""
    return _decide(settings, item_id, None, note, accept=False)


# The record's address is person-level: outside the pipeline it is shown only through a governed access.
# The helpers below name the contract's address columns (what the agreement must cover) and read the addresses
# of named records through ``Access.review_rows`` (agreement, dates, role, objections; one audit entry).

# (contract file, size, mtime) → (address columns, postcode columns, first column): every showing asks, and
# checking a contract costs more than the rest of a review page's Python; an edited contract is read again.
_ADDRESS_ROLES: dict[tuple[str, int, int], tuple[tuple[str, ...], tuple[str, ...], str]] = {}


def address_roles(settings: Settings, source: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """The contract's address columns, its postcode columns and its first column."""
    path = find_contract(settings, source)
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _ADDRESS_ROLES:
        c = contract_from_file(path)
        _ADDRESS_ROLES[key] = (
            tuple(c.roles.get("address", ())),
            tuple(c.roles.get("postcode", ())),
            c.fields[0].name,
        )
    return _ADDRESS_ROLES[key]


def address_columns(settings: Settings, source: str) -> list[str]:
    """The contract's columns that hold a record's address and postcode (what the agreement must cover)."""
    address, postcode, first = address_roles(settings, source)
    return list(dict.fromkeys([*address, *postcode])) or [first]


def _text(value: object) -> str | None:
    if value is None:
        return None
    try:
        if value != value:  # NaN: pandas' empty cell
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def shown_addresses(
    access: Access,
    settings: Settings,
    source: str,
    record_ids: Sequence[str],
    *,
    action: str,
    context: dict[str, object] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, tuple[str, str | None]]:
    """record id → (address, postcode) of the named records of ``source``, read through
    ``access.review_rows`` under ``action`` (checked against the agreement and audited, allowed or denied).

    Only the records the access returns are in the answer: one withheld by an objection, or placed outside
    the agreement's geography, is absent. Raises ``NotPermitted`` (audited) when the agreement does not
    cover the source's address columns. The address is the contract's address columns joined by ", ".
    """
    address_cols, postcode_cols, _ = address_roles(settings, source)
    frame = access.review_rows(
        source, address_columns(settings, source), record_ids, action=action, context=context, con=con
    )
    out: dict[str, tuple[str, str | None]] = {}
    for record_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
        if str(record_id) in out:
            continue
        parts = [t for c in address_cols if (t := _text(row.get(c)))]
        postcode = next((t for c in postcode_cols if (t := _text(row.get(c)))), None)
        out[str(record_id)] = (", ".join(parts), postcode)
    return out
