"""Values remembered until the vault changes: each is computed once per vault state, then served from memory.

The key holds the size and modification time of the vault file and of its write-ahead log: every committed
write, by this process or another (a load or scan from the command line), changes one of them, so the next
look-up misses and reads the vault again. ``invalidate`` forgets everything at once, for an action that
changes what a value depends on outside the vault (a review decision settles items in the catalogue).

A write this process makes itself, holding the app's vault lock alone, can say which tables it changed
(``writing``): values read only from other tables (declared with ``tables=``) then stay, so a partner
recording an outcome does not send every page back to the vault. Only a change this process can account for
is narrowed so: when the file moved in any way the write does not explain, everything misses, as after any
other write.

Requests missing the same value together wait for one computation, but only where waiting is safe: a request
that holds the app's vault lock must not wait for a computation that may itself wait for that lock (behind a
writer, or for a reader's turn) — that would deadlock — so it computes for itself. The app says which those
are (``wait_for_others_when``); by default nobody waits. Errors are not remembered. Callers must not mutate
what they are given (it is shared).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb

T = TypeVar("T")


def vault_state(path: Path) -> tuple:
    """Path, size and mtime (ns) of the vault file and its write-ahead log: a committed write changes one."""
    state: list = [str(path)]
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
            state += [st.st_size, st.st_mtime_ns]
        except FileNotFoundError:
            state += [None, None]
    return tuple(state)


@dataclass
class _Seen:
    """What this process knows of one vault file: its state when last looked at, how many unexplained changes
    it has seen (each one misses everything) and how many explained writes touched each table."""

    state: tuple
    writing: int = 0  # writes of this process in progress: the file moves under them, explained at their end
    epoch: int = 0
    writes: int = 0  # explained writes of any table: values that did not say which tables they read miss
    tables: dict[str, int] = field(default_factory=dict)


_SEEN: dict[str, _Seen] = {}
_SEEN_LOCK = threading.Lock()


def _version(vault: Path, tables: frozenset[str] | None) -> tuple:
    """The part of a key saying which version of the vault (or of ``tables`` in it) a value was read from."""
    state = vault_state(vault)
    with _SEEN_LOCK:
        seen = _SEEN.get(str(vault))
        if seen is None:
            seen = _SEEN[str(vault)] = _Seen(state)
        elif seen.state != state and not seen.writing:  # a change nobody here explains: a load, any write
            seen.state, seen.epoch = state, seen.epoch + 1
        if tables is None:
            return seen.epoch, seen.writes
        return seen.epoch, tuple(sorted((t, seen.tables.get(t, 0)) for t in tables))


@contextmanager
def writing(vault: Path, tables: Iterable[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for a write that changes only ``tables``; the caller holds the app's vault lock
    alone (no other connection of this process is open). Values that read none of ``tables`` stay.

    The write is checkpointed and the file's state read while the connection still holds the file (no other
    process can have written in between); if the state before it was not the one last seen, closing moved the
    file again, or a table was created or dropped, the change is not accounted for and everything misses.
    """
    with _SEEN_LOCK:
        before = vault_state(vault)
        seen = _SEEN.setdefault(str(vault), _Seen(before))
        if seen.state != before:  # changed since last looked at, before this write: not this write's doing
            seen.state, seen.epoch = before, seen.epoch + 1
        seen.writing += 1
    accounted = False
    try:
        con = duckdb.connect(str(vault))
        try:
            listed = _table_names(con)
            yield con
            con.execute("checkpoint")
            after = vault_state(vault)
            same_tables = _table_names(con) == listed  # a table created or dropped: more than declared
        finally:
            con.close()
        accounted = same_tables and vault_state(vault) == after
    finally:
        with _SEEN_LOCK:
            seen.writing -= 1
            settled = vault_state(vault)
            if accounted:
                seen.writes += 1
                for t in tables:
                    seen.tables[t] = seen.tables.get(t, 0) + 1
            else:
                seen.epoch += 1
            seen.state = settled


def _never() -> bool:
    return False


_may_wait: Callable[[], bool] = _never


def wait_for_others_when(check: Callable[[], bool]) -> None:
    """``check()`` True: this thread may wait for another's computation of the value it missed (it holds no
    lock that computation could need)."""
    global _may_wait
    _may_wait = check


def _table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()}


class VaultMemo:
    """A bounded memory of values per (vault state, what): least recently used first out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Event] = {}  # key → set when its computation ends
        # moves on at each ``invalidate``: a value computed before it is never stored after it
        self._generation = 0

    def get(
        self,
        vault: Path,
        what: Hashable,
        compute: Callable[[], T],
        *,
        remember: Callable[[T], bool] | None = None,
        tables: frozenset[str] | None = None,
    ) -> T:
        """``compute()`` once per vault state and ``what``, then from memory until the vault changes.

        ``remember(value)`` False: the value is returned but not held (e.g. one too large to keep).
        ``tables``: every vault table the value is read from (None: it may read any); a write made through
        ``writing`` that changed none of them leaves the value in place.
        """
        key = (self._generation, str(vault), _version(vault, tables), what)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
            gate = self._computing.get(key)
            mine = gate is None
            if mine:
                gate = self._computing[key] = threading.Event()
            elif not _may_wait():
                gate = None  # someone is computing it, but this thread may not wait: compute alongside
        if not mine and gate is not None:
            gate.wait()
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[return-value]
            # not stored (an error, too large, invalidated): compute for ourselves
        try:
            value = compute()
            if remember is None or remember(value):
                with self._lock:
                    if key[0] == self._generation:  # not invalidated while computing
                        self._values[key] = value
                        while len(self._values) > self._size:
                            self._values.popitem(last=False)
            return value
        finally:
            if mine and gate is not None:
                with self._lock:
                    self._computing.pop(key, None)
                gate.set()

    def invalidate(self) -> None:
        """Forget every value."""
        with self._lock:
            self._generation += 1
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
