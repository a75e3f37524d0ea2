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


def test_a_miss_never_waits_for_another_computation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a request may hold the app's vault lock when it misses: waiting for another request's computation (which
    # may itself wait for that lock) could deadlock, so each miss computes for itself
    path, memo = _vault(tmp_path), VaultMemo(8)
    started, release = threading.Event(), threading.Event()

    def stuck() -> int:
        started.set()
        release.wait(10)
        return 1

    first = threading.Thread(target=lambda: memo.get(path, "k", stuck))
    first.start()
    assert started.wait(10)
    t = time.monotonic()
    assert memo.get(path, "k", lambda: 2) == 2
    assert time.monotonic() - t < 1
    release.set()
    first.join()
    assert memo.get(path, "k", lambda: 3) in (1, 2)  # whichever was stored last, never computed again


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
