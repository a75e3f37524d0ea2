"""The audit chain: tampering (edit, delete, insert, reorder, truncate) is caught and the first bad entry
named, on SQLite and PostgreSQL, through the Python API and ``placehub audit verify``; concurrent writers
never fork it."""

from __future__ import annotations

import hashlib
import threading

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from placehub.cli import app
from placehub.govern import AuditEvent, append, head, verify
from placehub.govern.audit import GENESIS, entry_hash
from placehub.store import open_catalogue


def _fill(cat, n: int = 10) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        append(cat, AuditEvent("access.rows", f"user{i}", "allowed", purpose="p", dataset="d", row_count=i))


def _drop_append_only_triggers(cat) -> None:  # type: ignore[no-untyped-def]
    """What only a database owner can do, and what a tamperer must do first."""
    if cat.engine.dialect.name == "sqlite":
        _exec(cat, "drop trigger govern_audit_no_update")
        _exec(cat, "drop trigger govern_audit_no_delete")
    else:
        _exec(cat, "drop trigger govern_audit_no_change on govern_audit")


def _exec(cat, sql: str, **params) -> None:  # type: ignore[no-untyped-def]
    with cat.engine.begin() as c:
        c.execute(sa.text(sql), params)


def _row(cat, seq: int) -> dict:  # type: ignore[no-untyped-def]
    with cat.engine.connect() as c:
        return dict(
            c.execute(sa.text("select * from govern_audit where sequence = :s"), {"s": seq}).mappings().one()
        )


def test_intact_chain_verifies(catalogue_url: str) -> None:
    cat = open_catalogue(catalogue_url)
    assert verify(cat).ok and head(cat) == (0, GENESIS)
    _fill(cat)
    result = verify(cat)
    assert (result.ok, result.entries, result.head) == (True, 10, head(cat)[1])
    cat.dispose()


@pytest.mark.parametrize(
    "sql",
    [
        "update govern_audit set row_count = 999 where sequence = 4",
        "delete from govern_audit where sequence = 9",
    ],
)
def test_database_refuses_update_and_delete(catalogue_url: str, sql: str) -> None:
    cat = open_catalogue(catalogue_url)
    _fill(cat)
    with pytest.raises(sa.exc.DBAPIError, match="the audit chain is append-only"):
        _exec(cat, sql)
    assert (verify(cat).ok, verify(cat).entries) == (True, 10)
    cat.dispose()


def _edit(cat) -> None:  # type: ignore[no-untyped-def]
    _exec(cat, "update govern_audit set row_count = 999 where sequence = 4")


def _edit_and_rehash(cat) -> None:  # type: ignore[no-untyped-def]
    # A careful forger recomputes the edited entry's own hash: the next entry's link still gives it away.
    fields = _row(cat, 4)
    fields["actor"] = "someone-else"
    _exec(
        cat,
        "update govern_audit set actor = :a, hash = :h where sequence = 4",
        a="someone-else",
        h=entry_hash(fields),
    )


def _delete(cat) -> None:  # type: ignore[no-untyped-def]
    _exec(cat, "delete from govern_audit where sequence = 5")


def _insert(cat) -> None:  # type: ignore[no-untyped-def]
    # Make room after entry 3 (two steps: sequence is unique), then insert a well-formed entry 4.
    _exec(cat, "update govern_audit set sequence = -sequence where sequence >= 4")
    _exec(cat, "update govern_audit set sequence = 1 - sequence where sequence < 0")
    fields = {**_row(cat, 3), "sequence": 4, "prev_hash": _row(cat, 3)["hash"], "actor": "intruder"}
    del fields["id"]
    cols = ", ".join(fields)
    sql = f"insert into govern_audit ({cols}) values ({', '.join(':' + k for k in fields)})"  # noqa: S608
    # Chained onto entry 3 it would fork the chain: the database refuses a second successor outright.
    with pytest.raises(sa.exc.IntegrityError):
        _exec(cat, sql, **{**fields, "hash": entry_hash(fields)})
    fields["prev_hash"] = hashlib.sha256(b"forged").hexdigest()
    _exec(cat, sql, **{**fields, "hash": entry_hash(fields)})


def _reorder(cat) -> None:  # type: ignore[no-untyped-def]
    _exec(cat, "update govern_audit set sequence = -1 where sequence = 6")
    _exec(cat, "update govern_audit set sequence = 6 where sequence = 7")
    _exec(cat, "update govern_audit set sequence = 7 where sequence = -1")


TAMPER = {
    # case: (tamper, first bad sequence, entries verified before it, reason starts with)
    "edit": (_edit, 4, 3, "its contents do not match its hash"),
    "edit and rehash": (_edit_and_rehash, 5, 4, "its prev_hash is not the hash of the entry before it"),
    "delete": (_delete, 6, 4, "its sequence is 6 where 5 was expected"),
    "insert": (_insert, 4, 3, "its prev_hash is not the hash of the entry before it"),
    "reorder": (_reorder, 6, 5, "its contents do not match its hash"),
}


@pytest.mark.parametrize("case", list(TAMPER))
def test_tampering_is_caught_and_named(catalogue_url: str, case: str) -> None:
    cat = open_catalogue(catalogue_url)
    _fill(cat)
    tamper, bad_sequence, good, reason = TAMPER[case]
    _drop_append_only_triggers(cat)
    tamper(cat)
    result = verify(cat)
    assert (result.ok, result.first_bad_sequence, result.entries) == (False, bad_sequence, good)
    assert result.reason.startswith(reason)
    assert result.message().startswith(f"Audit chain broken at entry {bad_sequence} (id ")
    cat.dispose()


def test_truncation_caught_against_published_head(catalogue_url: str) -> None:
    cat = open_catalogue(catalogue_url)
    _fill(cat)
    published = head(cat)[1]
    _drop_append_only_triggers(cat)
    _exec(cat, "delete from govern_audit where sequence = 10")
    assert verify(cat).ok  # a chain alone cannot show its own end was cut off...
    result = verify(cat, expect_head=published)  # ...the published head can
    assert (result.ok, result.entries) == (False, 9)
    assert result.reason.endswith("(entries were cut off or added at the end)")
    cat.dispose()


def test_cli_verify_and_head(catalogue_url: str, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLACEHUB_DATABASE_URL", catalogue_url)
    cat = open_catalogue(catalogue_url)
    _fill(cat, 5)
    runner = CliRunner()
    n, h = head(cat)
    assert runner.invoke(app, ["audit", "head"]).output.strip() == f"5 {h}"
    ok = runner.invoke(app, ["audit", "verify"])
    assert (ok.exit_code, ok.output.strip()) == (0, f"Audit chain intact: 5 entries, head {h}.")
    _drop_append_only_triggers(cat)
    _exec(cat, "update govern_audit set purpose = 'other' where sequence = 3")
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 5
    assert "Audit chain broken at entry 3 (id 3): its contents do not match its hash" in bad.output
    cat.dispose()


def _writers(url: str, writers: int, each: int) -> None:
    errors: list[BaseException] = []

    def work(w: int) -> None:
        cat = open_catalogue(url)
        try:
            for i in range(each):
                append(cat, AuditEvent("test.append", f"writer{w}", "done", row_count=i))
        except BaseException as exc:  # noqa: BLE001  (re-raised in the main thread)
            errors.append(exc)
        finally:
            cat.dispose()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.postgresql
def test_two_postgresql_writers_never_fork_the_chain(pg_url: str) -> None:
    open_catalogue(pg_url).dispose()  # tables exist before the race
    _writers(pg_url, writers=2, each=150)
    cat = open_catalogue(pg_url)
    result = verify(cat)
    assert (result.ok, result.entries) == (True, 300)
    with cat.engine.connect() as c:
        per_writer = dict(c.execute(sa.text("select actor, count(*) from govern_audit group by actor")).all())
    assert per_writer == {"writer0": 150, "writer1": 150}
    cat.dispose()


def test_two_sqlite_writers_never_fork_the_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'c.db'}"
    open_catalogue(url).dispose()
    _writers(url, writers=2, each=50)
    cat = open_catalogue(url)
    assert (verify(cat).ok, verify(cat).entries) == (True, 100)
    cat.dispose()
