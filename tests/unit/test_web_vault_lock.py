"""The web app's vault lock: readers run together, a writer runs alone, a waiting writer is not starved."""

from __future__ import annotations

import threading
import time

import pytest

from placehub.web.deps import VAULT_LOCK
from placehub.web.vault_lock import VaultLock

WAIT = 5.0  # seconds: generous, so a slow machine never fails a test that should pass


def wait_until(condition, timeout: float = WAIT) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def test_readers_hold_the_lock_together() -> None:
    lock = VaultLock()
    n = 8
    inside = threading.Barrier(n, timeout=WAIT)  # every reader must be inside at once to pass it
    passed = []

    def reader() -> None:
        with lock.shared():
            inside.wait()
            passed.append(1)

    threads = [threading.Thread(target=reader) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert len(passed) == n
    assert lock.state() == (0, False, 0)


def test_a_writer_excludes_readers_and_other_writers() -> None:
    lock = VaultLock()
    log: list[str] = []
    lock.acquire()

    def read() -> None:
        with lock.shared():
            log.append("reader in")

    def write() -> None:
        with lock:
            log.append("writer in")

    reader, writer = threading.Thread(target=read), threading.Thread(target=write)
    reader.start()
    writer.start()
    time.sleep(0.2)
    assert log == []  # both wait while the writer holds it
    lock.release()
    reader.join(WAIT)
    writer.join(WAIT)
    assert sorted(log) == ["reader in", "writer in"]


def test_a_writer_waits_for_readers_to_leave() -> None:
    lock = VaultLock()
    entered, leave = threading.Event(), threading.Event()
    got_it = threading.Event()

    def reader() -> None:
        with lock.shared():
            entered.set()
            leave.wait(WAIT)

    def writer() -> None:
        with lock.exclusive():
            got_it.set()

    r = threading.Thread(target=reader)
    r.start()
    assert entered.wait(WAIT)
    w = threading.Thread(target=writer)
    w.start()
    assert wait_until(lambda: lock.state() == (1, False, 1))
    assert not got_it.wait(0.2)
    leave.set()
    assert got_it.wait(WAIT)
    r.join(WAIT)
    w.join(WAIT)
    assert lock.state() == (0, False, 0)


def test_a_waiting_writer_is_not_starved_by_a_stream_of_readers() -> None:
    lock = VaultLock()
    stop = threading.Event()
    reads = [0]
    writer_waited: list[float] = []
    reads_after_writer_queued: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            with lock.shared():
                reads[0] += 1
                time.sleep(0.01)  # readers overlap: without writer preference the lock is never free

    readers = [threading.Thread(target=reader) for _ in range(6)]
    for t in readers:
        t.start()
    assert wait_until(lambda: reads[0] > 20)

    def writer() -> None:
        t = time.monotonic()
        with lock.exclusive():
            writer_waited.append(time.monotonic() - t)
            before = reads[0]
            time.sleep(0.05)
            reads_after_writer_queued.append(reads[0] - before)  # no reader gets in while the writer holds it

    w = threading.Thread(target=writer)
    w.start()
    w.join(WAIT)
    stop.set()
    for t in readers:
        t.join(WAIT)
    assert writer_waited and writer_waited[0] < 1.0  # in after the readers inside finish, not "eventually"
    assert reads_after_writer_queued == [0]
    assert lock.state() == (0, False, 0)


def test_new_readers_queue_behind_a_waiting_writer() -> None:
    lock = VaultLock()
    order: list[str] = []
    first_in, first_out = threading.Event(), threading.Event()

    def first_reader() -> None:
        with lock.shared():
            first_in.set()
            first_out.wait(WAIT)
            order.append("first reader out")

    def writer() -> None:
        with lock.exclusive():
            order.append("writer")

    def late_reader() -> None:
        with lock.shared():
            order.append("late reader")

    a = threading.Thread(target=first_reader)
    a.start()
    assert first_in.wait(WAIT)
    w = threading.Thread(target=writer)
    w.start()
    assert wait_until(lambda: lock.state()[2] == 1)  # the writer is waiting
    late = threading.Thread(target=late_reader)
    late.start()
    time.sleep(0.1)
    assert order == []  # the late reader does not overtake the waiting writer
    first_out.set()
    for t in (a, w, late):
        t.join(WAIT)
    assert order == ["first reader out", "writer", "late reader"]


def test_reentrant_in_one_thread_even_with_a_writer_waiting() -> None:
    lock = VaultLock()
    nested_in = threading.Event()
    writer_waiting = threading.Event()

    def reader() -> None:
        with lock.shared():
            writer_waiting.wait(WAIT)
            with lock.shared():  # a nested read does not queue behind the waiting writer (no deadlock)
                nested_in.set()

    r = threading.Thread(target=reader)
    r.start()
    time.sleep(0.05)

    def write() -> None:
        with lock.exclusive():
            pass

    w = threading.Thread(target=write)
    w.start()
    assert wait_until(lambda: lock.state()[2] == 1)
    writer_waiting.set()
    assert nested_in.wait(WAIT)
    r.join(WAIT)
    w.join(WAIT)

    other = VaultLock()
    with other.exclusive(), other, other.shared(), other.exclusive():  # a writer may nest either way
        assert other.state() == (0, True, 0)
    assert other.state() == (0, False, 0)


def test_a_reader_cannot_become_a_writer() -> None:
    lock = VaultLock()
    with lock.shared(), pytest.raises(RuntimeError, match="cannot take it exclusive"):
        lock.acquire()
    assert lock.state() == (0, False, 0)
    with pytest.raises(RuntimeError, match="not held"):
        lock.release()


def test_the_apps_lock_is_exclusive_by_default() -> None:
    assert isinstance(VAULT_LOCK, VaultLock)
    with VAULT_LOCK:
        assert VAULT_LOCK.state() == (0, True, 0)
    with VAULT_LOCK.shared():
        assert VAULT_LOCK.state() == (1, False, 0)
    assert VAULT_LOCK.state() == (0, False, 0)


def test_max_readers_bounds_readers_at_once_but_not_re_entry() -> None:
    lock = VaultLock(max_readers=2)
    inside, peak, guard = [0], [0], threading.Lock()
    release = threading.Event()

    def reader() -> None:
        with lock.shared():
            with guard:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            with lock.shared():  # re-entry takes no second place
                release.wait(WAIT)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=reader) for _ in range(5)]
    for t in threads:
        t.start()
    assert wait_until(lambda: lock.state()[0] == 2)
    time.sleep(0.1)
    assert lock.state()[0] == 2 and peak[0] == 2  # three wait their turn
    release.set()
    for t in threads:
        t.join(WAIT)
    assert peak[0] == 2 and inside[0] == 0 and lock.state() == (0, False, 0)


def test_the_number_of_readers_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from placehub.web.deps import readers_at_once

    monkeypatch.setenv("PLACEHUB_WEB_VAULT_READERS", "6")
    assert readers_at_once() == 6
    monkeypatch.setenv("PLACEHUB_WEB_VAULT_READERS", "0")
    assert readers_at_once() is None
    monkeypatch.delenv("PLACEHUB_WEB_VAULT_READERS")
    assert readers_at_once() >= 2  # type: ignore[operator]
