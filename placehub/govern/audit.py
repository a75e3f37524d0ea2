"""The audit chain: an append-only table in which each entry carries the hash of the one before it.

``hash`` = SHA-256 of the canonical JSON (sorted keys, no spaces) of the entry's fields *including* its
``sequence`` and ``prev_hash``; the first entry's ``prev_hash`` is 64 zeros. Editing, deleting, inserting or
reordering any entry breaks a hash or a link, and ``verify`` names the first entry where that shows.

Appends are serialised: each one first updates a single lock row (a row lock on PostgreSQL, the write lock on
SQLite), then reads the head and inserts its successor in the same transaction. Unique ``sequence`` and
``prev_hash`` columns make a fork impossible to commit even if that serialisation were bypassed. Threads of
one process take turns at a Python lock first, so they never sleep in SQLite's busy handler. ``one_commit``
chains a request's entries (access opened, rows read, ...) together in one transaction when its block ends.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time as _time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
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


# Threads of one process (the web app's requests) take turns here: a Python lock hands over to the next at
# once, where SQLite's busy handler would have each waiting writer sleep in steps of up to 100 ms. Writers in
# other processes still meet at the lock row.
_IN_PROCESS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_IN_PROCESS_GUARD = threading.Lock()


def _turn(catalogue: Catalogue) -> threading.Lock:
    with _IN_PROCESS_GUARD:
        return _IN_PROCESS.setdefault(catalogue.engine, threading.Lock())


@dataclass
class _Batch:
    engine: Engine
    events: list[tuple[AuditEvent, str]] = field(default_factory=list)


_BATCH: ContextVar[_Batch | None] = ContextVar("placehub_audit_batch", default=None)


@contextmanager
def one_commit(catalogue: Catalogue) -> Iterator[None]:
    """Entries appended in the block are chained at its end in one transaction, however the block ends (a
    refusal raised in it is recorded too): a web page that opens an access, reads rows and reads outcomes
    takes its turn at the chain once, not three times. Each entry keeps the time it was appended at. What the
    block read must not be shown before it ends: callers render after it. Nested blocks join the outer one.
    """
    if _BATCH.get() is not None:
        yield
        return
    batch = _Batch(catalogue.engine)
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
        if batch.events:
            _append_all(catalogue, batch.events)


def append(catalogue: Catalogue, event: AuditEvent, *, now: datetime | None = None) -> ChainedEntry | None:
    """Chain ``event`` onto the head and commit. Safe with concurrent writers on SQLite and PostgreSQL.

    Inside ``one_commit`` the entry is chained at the end of the block, and None is returned.
    """
    stamped = (event, _now_iso(now))
    batch = _BATCH.get()
    if batch is not None and batch.engine is catalogue.engine:
        batch.events.append(stamped)
        return None
    return _append_all(catalogue, [stamped])[0]


def _append_all(catalogue: Catalogue, events: list[tuple[AuditEvent, str]]) -> list[ChainedEntry]:
    _ensure_lock_row(catalogue)
    for attempt in range(50):
        try:
            with _turn(catalogue):
                return _append_once(catalogue, events)
        except (IntegrityError, OperationalError):
            # Another writer won the race (or SQLite was busy): re-read the head and try again.
            _time.sleep(0.01 * (attempt + 1))
    raise RuntimeError("could not append to the audit chain after 50 attempts")


_ENTRIES = AuditEntry.__table__
_LOCK_ROW = AuditHeadLock.__table__
# Core statements, built once: an append is on every governed read, and the ORM session costs twice as much
_TAKE_LOCK = update(_LOCK_ROW).where(_LOCK_ROW.c.id == 1).values(id=1)
_HEAD = select(_ENTRIES.c.sequence, _ENTRIES.c.hash).order_by(_ENTRIES.c.sequence.desc()).limit(1)
_INSERT = insert(_ENTRIES).returning(_ENTRIES.c.id)  # values bound at execution: compiled once


def _append_once(catalogue: Catalogue, events: list[tuple[AuditEvent, str]]) -> list[ChainedEntry]:
    chained = []
    with catalogue.engine.begin() as c:
        c.execute(_TAKE_LOCK)
        head = c.execute(_HEAD).first()
        sequence, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        for event, time in events:
            fields = {
                "sequence": sequence,
                "prev_hash": prev,
                "time": time,
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
            new_id = c.execute(_INSERT, {**fields, "hash": digest}).scalar_one()
            chained.append(ChainedEntry(new_id, sequence, digest, fields))
            sequence, prev = sequence + 1, digest
    return chained


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
