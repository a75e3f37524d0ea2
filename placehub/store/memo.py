"""Values remembered until the vault changes: each is computed once per vault state, then served from memory.

The key holds the size and modification time of the vault file and of its write-ahead log: every committed
write, by this process or another (a load or scan from the command line), changes one of them, so the next
look-up misses and reads the vault again. ``invalidate`` forgets everything at once, for an action that
changes what a value depends on outside the vault (a review decision settles items in the catalogue).

A miss never waits for another request's computation of the same value: a request may already hold the app's
vault lock when it misses, and waiting for a computation that itself waits for that lock (behind a writer, or
for a reader's turn) would deadlock; the app's cap on readers bounds how many compute at once instead. Errors
are not remembered. Callers must not mutate what they are given (it is shared).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

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


class VaultMemo:
    """A bounded memory of values per (vault state, what): least recently used first out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        # moves on at each ``invalidate``: a value computed before it is never stored after it
        self._generation = 0

    def get(
        self,
        vault: Path,
        what: Hashable,
        compute: Callable[[], T],
        *,
        remember: Callable[[T], bool] | None = None,
    ) -> T:
        """``compute()`` once per vault state and ``what``, then from memory until the vault changes.

        ``remember(value)`` False: the value is returned but not held (e.g. one too large to keep).
        """
        key = (self._generation, vault_state(vault), what)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
        value = compute()
        if remember is None or remember(value):
            with self._lock:
                if key[0] == self._generation:  # not invalidated while computing
                    self._values[key] = value
                    while len(self._values) > self._size:
                        self._values.popitem(last=False)
        return value

    def invalidate(self) -> None:
        """Forget every value."""
        with self._lock:
            self._generation += 1
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
