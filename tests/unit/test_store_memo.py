"""store.memo: a value is computed once per vault state, and a write to the vault (or invalidate) misses."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from placehub.store.memo import VaultMemo, vault_state
from placehub.store.vault import OnDemand


def _vault(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "vault.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t (n int)")
        con.execute("insert into t values (1)")
    return path


def _count(path) -> int:  # type: ignore[no-untyped-def]
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from t").fetchone()[0]


def test_computed_once_per_vault_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, memo, calls = _vault(tmp_path), VaultMemo(8), []

    def compute() -> int:
        calls.append(1)
        return _count(path)

    assert [memo.get(path, "n", compute) for _ in range(3)] == [1, 1, 1]
    assert len(calls) == 1
    with duckdb.connect(str(path)) as con:  # a write, as a load from the command line would make
        con.execute("insert into t values (2)")
    assert memo.get(path, "n", compute) == 2
    assert len(calls) == 2
    memo.invalidate()
    assert memo.get(path, "n", compute) == 2
    assert len(calls) == 3


def test_every_committed_write_changes_the_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _vault(tmp_path)
    seen = {vault_state(path)}
    with duckdb.connect(str(path)) as con:
        for n in range(20):  # back to back, each committed: none may look like the one before
            con.execute("insert into t values (?)", [n])
            seen.add(vault_state(path))
    assert len(seen) == 21


def test_errors_and_unwanted_values_are_not_remembered(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, memo, calls = _vault(tmp_path), VaultMemo(8), []

    def fail() -> int:
        calls.append(1)
        raise ValueError("not yet")

    for _ in range(2):
        with pytest.raises(ValueError):
            memo.get(path, "fail", fail)
    assert len(calls) == 2
    big = [memo.get(path, "big", lambda: list(range(10)), remember=lambda v: len(v) < 5) for _ in range(2)]
    assert big[0] == big[1] and big[0] is not big[1]  # computed twice: too large to hold
    assert len(memo) == 0


def test_oldest_value_leaves_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, memo = _vault(tmp_path), VaultMemo(2)
    for what in ("a", "b", "c"):
        memo.get(path, what, lambda w=what: w)
    assert len(memo) == 2
    assert memo.get(path, "a", lambda: "again") == "again"


@pytest.fixture
def waiting(monkeypatch):  # type: ignore[no-untyped-def]
    """Set who may wait for another's computation (as the web app does), restored afterwards."""
    from placehub.store import memo

    def allow(check) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr(memo, "_may_wait", check)

    return allow


def _stuck_first(path, memo):  # type: ignore[no-untyped-def]
    """A thread computing "k" until released; returns (thread, release)."""
    started, release = threading.Event(), threading.Event()

    def stuck() -> int:
        started.set()
        release.wait(10)
        return 1

    first = threading.Thread(target=lambda: memo.get(path, "k", stuck))
    first.start()
    assert started.wait(10)
    return first, release


def test_a_thread_that_may_not_wait_computes_alongside(tmp_path, waiting) -> None:  # type: ignore[no-untyped-def]
    # a request holding the app's vault lock must not wait for a computation that may need that lock
    waiting(lambda: False)
    path, memo = _vault(tmp_path), VaultMemo(8)
    first, release = _stuck_first(path, memo)
    t = time.monotonic()
    assert memo.get(path, "k", lambda: 2) == 2
    assert time.monotonic() - t < 1
    release.set()
    first.join()
    assert memo.get(path, "k", lambda: 3) in (1, 2)  # whichever was stored last, never computed again


def test_threads_that_may_wait_share_one_computation(tmp_path, waiting) -> None:  # type: ignore[no-untyped-def]
    waiting(lambda: True)
    path, memo = _vault(tmp_path), VaultMemo(8)
    first, release = _stuck_first(path, memo)
    got: list[int] = []
    others = [threading.Thread(target=lambda: got.append(memo.get(path, "k", lambda: 9))) for _ in range(4)]
    for t in others:
        t.start()
    time.sleep(0.2)
    assert got == []  # waiting for the first
    release.set()
    for t in [first, *others]:
        t.join()
    assert got == [1, 1, 1, 1]


def test_on_demand_opens_only_when_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, opened = _vault(tmp_path), []

    def opener():  # type: ignore[no-untyped-def]
        opened.append(1)
        return duckdb.connect(str(path), read_only=True)

    with OnDemand(opener) as con:
        assert not con.opened
    assert opened == []
    with OnDemand(opener) as con:
        assert con.execute("select count(*) from t").fetchone() == (1,)
        assert con.execute("select 2").fetchone() == (2,)  # the same connection
        assert con.opened
    assert opened == [1] and not con.opened
    with duckdb.connect(str(path)) as rw:  # closed with the block: a read-write open works again
        rw.execute("select 1")


def test_a_write_that_says_what_it_changed_keeps_other_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from placehub.store.memo import writing

    path, memo = _vault(tmp_path), VaultMemo(8)
    with duckdb.connect(str(path)) as con:
        con.execute("create table other (n int)")
    calls: list[str] = []

    def value(name: str):  # type: ignore[no-untyped-def]
        def compute() -> str:
            calls.append(name)
            return name

        return compute

    def look() -> None:
        memo.get(path, "t", value("t"), tables=frozenset({"t"}))
        memo.get(path, "other", value("other"), tables=frozenset({"other"}))
        memo.get(path, "any", value("any"))

    look()
    assert calls == ["t", "other", "any"]
    with writing(path, ["t"]) as con:  # changes t only
        con.execute("insert into t values (5)")
        # a request looking while the file moves under the write: served from memory, nothing forgotten
        assert memo.get(path, "other", value("other"), tables=frozenset({"other"})) == "other"
    look()
    assert calls[3:] == ["t", "any"]  # "other" stayed
    with writing(path, ["t"]) as con:  # says t, but creates a table: not accounted for
        con.execute("create table surprise (n int)")
    look()
    assert calls[5:] == ["t", "other", "any"]
    with pytest.raises(RuntimeError), writing(path, ["t"]) as con:  # a failed write: not accounted for
        con.execute("insert into t values (6)")
        raise RuntimeError("refused")
    look()
    assert calls[8:] == ["t", "other", "any"]
    with duckdb.connect(str(path)) as con:  # a write by anyone else (a command): everything misses
        con.execute("insert into other values (1)")
    look()
    assert calls[11:] == ["t", "other", "any"]
    look()
    assert len(calls) == 14  # and then from memory again
