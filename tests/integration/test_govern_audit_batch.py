"""audit.one_commit: a request's entries are chained together when its block ends — however it ends — in
order, each with the time it was appended at, and requests committing side by side never fork the chain."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from placehub.errors import NotPermitted
from placehub.govern import AuditEvent, append, verify
from placehub.govern.audit import entries, one_commit
from placehub.store import open_catalogue


def _event(action: str, actor: str = "ana") -> AuditEvent:
    return AuditEvent(action, actor, "allowed", purpose="p", dataset="d")


def test_entries_are_chained_when_the_block_ends(catalogue_url: str) -> None:
    cat = open_catalogue(catalogue_url)
    append(cat, _event("before"))
    first = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with one_commit(cat):
        assert append(cat, _event("access.open"), now=first) is None  # queued
        with one_commit(cat):  # a nested block joins the outer one
            append(cat, _event("access.rows"), now=first + timedelta(seconds=1))
        assert [e["action"] for e in entries(cat)] == ["before"]  # nothing written yet
    assert [e["action"] for e in entries(cat)] == ["before", "access.open", "access.rows"]
    stamps = [first, first + timedelta(seconds=1)]
    assert [e["time"] for e in entries(cat)][1:] == [t.isoformat(timespec="microseconds") for t in stamps]
    assert verify(cat).ok
    cat.dispose()


def test_a_block_that_fails_still_records_its_entries(catalogue_url: str) -> None:
    cat = open_catalogue(catalogue_url)
    with pytest.raises(NotPermitted), one_commit(cat):
        append(cat, _event("access.open"))
        append(cat, AuditEvent("access.rows", "ana", "denied", rule="columns_not_covered"))
        raise NotPermitted("refused")
    assert [(e["action"], e["outcome"]) for e in entries(cat)] == [
        ("access.open", "allowed"), ("access.rows", "denied")]  # fmt: skip
    cat.dispose()


def test_blocks_side_by_side_never_fork_the_chain(catalogue_url: str) -> None:
    open_catalogue(catalogue_url).dispose()
    errors: list[BaseException] = []

    def request(w: int) -> None:
        cat = open_catalogue(catalogue_url)
        try:
            for i in range(20):
                with one_commit(cat):
                    for action in ("access.open", "access.rows", "act.outcome.read"):
                        append(cat, _event(action, f"user{w}-{i}"))
        except BaseException as exc:  # noqa: BLE001 (re-raised below)
            errors.append(exc)
        finally:
            cat.dispose()

    threads = [threading.Thread(target=request, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cat = open_catalogue(catalogue_url)
    result = verify(cat)
    assert (result.ok, result.entries) == (True, 4 * 20 * 3)
    actors = [e["actor"] for e in entries(cat)]
    # each request's three entries are consecutive in the chain
    assert all(actors[i] == actors[i + 1] == actors[i + 2] for i in range(0, len(actors), 3))
    cat.dispose()
