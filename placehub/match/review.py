"""The review queue: list what needs a person, accept (with a UPRN) or reject; decisions are remembered.

A decision is stored for the source's normalised address and postcode, so the same address in the next load of
that source is decided the same way (status ``reviewed``, method ``remembered``) without asking again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
from sqlalchemy import select

from placehub.match.errors import ReviewItemNotFound, UnknownUprn
from placehub.match.thresholds import MatchMethod, MatchStatus
from placehub.settings import Settings
from placehub.store import Vault, open_catalogue
from placehub.store.models_match import MatchDecisionRecord, MatchReviewItem


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
