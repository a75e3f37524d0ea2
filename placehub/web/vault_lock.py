"""The app's vault lock: many readers at once, one writer alone, and a waiting writer goes before new readers.

DuckDB lets one process hold several read-only connections to a file at once (they share one database
instance, each with its own temporary tables), but never a read-only and a read-write connection together
("a different configuration than existing connections"). So a request that opens the vault read-only takes
``VAULT_LOCK.shared()`` and one that opens it read-write takes ``VAULT_LOCK.exclusive()``
(``with VAULT_LOCK:`` means exclusive too).

Writer-preferring: once a writer waits, no new reader is admitted, so a steady stream of readers cannot starve
a review decision or an outcome. Re-entrant within a thread: a thread that holds the lock (either way) may
take ``shared()`` again, and a writer may take ``exclusive()`` again. A reader asking for ``exclusive()`` is
a bug (two readers doing so would wait for each other forever): it raises ``RuntimeError``.

``max_readers`` bounds how many threads hold it shared at once (the rest wait their turn, still behind any
waiting writer); re-entry does not count again. So a reader must not wait for another thread while it holds
the lock (e.g. on a cache entry that thread computes under the lock): with every place taken, neither moves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class VaultLock:
    def __init__(self, max_readers: int | None = None) -> None:
        self._max_readers = max_readers  # None: any number of readers at once
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0  # threads holding the lock shared (outermost holds only)
        self._writer: int | None = None  # the thread holding it exclusive
        self._writer_depth = 0
        self._writers_waiting = 0
        self._mine = threading.local()  # this thread's shared depth

    def _shared_depth(self) -> int:
        return getattr(self._mine, "depth", 0)

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the lock with other readers (for read-only vault connections)."""
        me = threading.get_ident()
        depth = self._shared_depth()
        counted = False
        if depth == 0 and self._writer != me:
            with self._cond:
                while self._writer is not None or self._writers_waiting or self._full():
                    self._cond.wait()
                self._readers += 1
            counted = True
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if counted:
                with self._cond:
                    self._readers -= 1
                    if self._readers == 0 or self._max_readers is not None:
                        self._cond.notify_all()

    def _full(self) -> bool:
        return self._max_readers is not None and self._readers >= self._max_readers

    def acquire(self) -> None:
        """Take the lock alone (for read-write vault connections)."""
        me = threading.get_ident()
        if self._writer == me:
            self._writer_depth += 1
            return
        if self._shared_depth():
            raise RuntimeError("a thread holding the vault lock shared cannot take it exclusive (deadlock)")
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            except BaseException:  # interrupted while waiting: readers held back for us may go on
                self._writers_waiting -= 1
                self._cond.notify_all()
                raise
            self._writers_waiting -= 1
            self._writer, self._writer_depth = me, 1

    def release(self) -> None:
        if self._writer != threading.get_ident():
            raise RuntimeError("the vault lock is not held exclusive by this thread")
        self._writer_depth -= 1
        if self._writer_depth == 0:
            with self._cond:
                self._writer = None
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def __enter__(self) -> VaultLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def held(self) -> bool:
        """Does this thread hold the lock, shared or alone?"""
        return self._shared_depth() > 0 or self._writer == threading.get_ident()

    def state(self) -> tuple[int, bool, int]:
        """(readers, a writer holds it, writers waiting): for tests and diagnostics."""
        with self._cond:
            return self._readers, self._writer is not None, self._writers_waiting
