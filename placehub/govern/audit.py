"""The audit chain: an append-only table in which each entry carries the hash of the one before it.

``hash`` = SHA-256 of the canonical JSON (sorted keys, no spaces) of the entry's fields *including* its
``sequence`` and ``prev_hash``; the first entry's ``prev_hash`` is 64 zeros. Editing, deleting, inserting or
reordering any entry breaks a hash or a link, and ``verify`` names the first entry where that shows.

Appends are serialised: each one first updates a single lock row (a row lock on PostgreSQL, the write lock on
SQLite), then reads the head and inserts its successor in the same transaction. Unique ``sequence`` and
``prev_hash`` columns make a fork impossible to commit even if that serialisation were bypassed.
"""

from __future__ import annotations

import hashlib
import json
import time as _time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from placehub.store import Catalogue
from placehub.store.models_govern import AuditEntry, AuditHeadLock

GENESIS = "0" * 64
HASHED_FIELDS = (
    "sequence",
    "prev_hash",
    "time",
    "action",
    "actor",
    "organisation",
    "purpose",
    "dataset",
    "columns",
    "row_count",
    "fingerprint",
    "outcome",
    "rule",
    "detail",
)


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it is chained. ``detail`` holds counts and ids, never personal data."""

    action: str
    actor: str
    outcome: str  # allowed | denied | done
    organisation: str = ""
    purpose: str = ""
    dataset: str = ""
    columns: Sequence[str] = ()
    row_count: int = 0
    fingerprint: str = ""
    rule: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainedEntry:
    id: int
    sequence: int
    hash: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head: str
    first_bad_sequence: int | None = None
    first_bad_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.entries} entries, head {self.head}."
        return (
            f"Audit chain broken at entry {self.first_bad_sequence} (id {self.first_bad_id}): {self.reason}. "
            f"Entries before it verify; restore the catalogue from a backup and investigate."
        )


def canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({k: fields[k] for k in HASHED_FIELDS}).encode("utf-8")).hexdigest()


def _now_iso(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


_LOCK_ROW_SEEN: weakref.WeakSet[Engine] = weakref.WeakSet()


def _ensure_lock_row(catalogue: Catalogue) -> None:
    if catalogue.engine in _LOCK_ROW_SEEN:
        return
    try:
        with catalogue.session() as s:
            if s.get(AuditHeadLock, 1) is None:
                s.add(AuditHeadLock(id=1))
    except IntegrityError:
        pass  # another writer created it first
    _LOCK_ROW_SEEN.add(catalogue.engine)


def append(catalogue: Catalogue, event: AuditEvent, *, now: datetime | None = None) -> ChainedEntry:
    """Chain ``event`` onto the head and commit. Safe with concurrent writers on SQLite and PostgreSQL."""
    _ensure_lock_row(catalogue)
    for attempt in range(50):
        try:
            return _append_once(catalogue, event, now)
        except (IntegrityError, OperationalError):
            # Another writer won the race (or SQLite was busy): re-read the head and try again.
            _time.sleep(0.01 * (attempt + 1))
    raise RuntimeError("could not append to the audit chain after 50 attempts")


def _append_once(catalogue: Catalogue, event: AuditEvent, now: datetime | None) -> ChainedEntry:
    with catalogue.session() as s:
        s.execute(update(AuditHeadLock).where(AuditHeadLock.id == 1).values(id=1))
        head = s.execute(
            select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
        ).first()
        sequence, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        fields = {
            "sequence": sequence,
            "prev_hash": prev,
            "time": _now_iso(now),
            "action": event.action,
            "actor": event.actor,
            "organisation": event.organisation,
            "purpose": event.purpose,
            "dataset": event.dataset,
            "columns": json.dumps(list(event.columns)),
            "row_count": int(event.row_count),
            "fingerprint": event.fingerprint,
            "outcome": event.outcome,
            "rule": event.rule,
            "detail": canonical(event.detail),
        }
        digest = entry_hash(fields)
        new_id = s.execute(
            insert(AuditEntry).values(**fields, hash=digest).returning(AuditEntry.id)
        ).scalar_one()
    return ChainedEntry(id=new_id, sequence=sequence, hash=digest, fields=fields)


def head(catalogue: Catalogue) -> tuple[int, str]:
    """(entries, head hash); an empty chain's head is 64 zeros."""
    with catalogue.session() as s:
        row = s.execute(
            select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
        ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def verify(catalogue: Catalogue, *, expect_head: str | None = None) -> VerifyResult:
    """Walk the chain from the start; stop at the first entry whose hash or link does not hold.

    ``expect_head`` (e.g. the head published on the transparency register) also catches entries cut off the
    end, which a chain alone cannot show.
    """
    cols = [getattr(AuditEntry, f) for f in HASHED_FIELDS]
    prev, count = GENESIS, 0
    with catalogue.session() as s:
        result = s.execute(select(AuditEntry.id, AuditEntry.hash, *cols).order_by(AuditEntry.sequence))
        for row in result:
            count += 1
            fields = {f: getattr(row, f) for f in HASHED_FIELDS}
            bad = None
            if entry_hash(fields) != row.hash:
                bad = "its contents do not match its hash (the entry was edited or moved)"
            elif row.sequence != count:
                bad = (
                    f"its sequence is {row.sequence} where {count} was expected "
                    "(an entry was deleted or inserted before it)"
                )
            elif row.prev_hash != prev:
                bad = (
                    "its prev_hash is not the hash of the entry before it "
                    "(an entry was deleted, inserted or reordered)"
                )
            if bad:
                return VerifyResult(False, count - 1, prev, row.sequence, row.id, bad)
            prev = row.hash
    if expect_head is not None and expect_head != prev:
        return VerifyResult(
            False,
            count,
            prev,
            count,
            None,
            f"the head is {prev}, not the expected {expect_head} (entries were cut off or added at the end)",
        )
    return VerifyResult(True, count, prev)


def count_entries(catalogue: Catalogue) -> int:
    with catalogue.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def entries(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Every entry's fields in chain order (for the register's monthly counts and for tests)."""
    cols = [getattr(AuditEntry, f) for f in HASHED_FIELDS]
    with catalogue.session() as s:
        rows = s.execute(select(AuditEntry.id, AuditEntry.hash, *cols).order_by(AuditEntry.sequence)).all()
    return [dict(row._mapping) for row in rows]
