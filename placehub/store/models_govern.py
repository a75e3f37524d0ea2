"""Catalogue tables for govern: organisations, users, tokens, agreements (versioned), the audit chain,
objections.

Types are portable (SQLite and PostgreSQL). Times are stored as ISO-8601 UTC text where they enter a hash, so
the audit chain recomputes byte for byte on either database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


class Organisation(Base):
    __tablename__ = "govern_organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # a short slug, e.g. "council"
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="other")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    __tablename__ = "govern_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("govern_organisations.id"))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)  # argon2id; never the password
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "govern_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("govern_users.id"))
    purpose: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the secret
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AgreementRecord(Base):
    """One agreement id; its versions are in ``govern_agreement_versions``."""

    __tablename__ = "govern_agreements"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(100), index=True)
    current_version: Mapped[int] = mapped_column(Integer)


class AgreementVersion(Base):
    __tablename__ = "govern_agreement_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("govern_agreements.id"))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # of the YAML file as added
    document: Mapped[str] = mapped_column(Text)  # canonical JSON of the validated agreement
    source_yaml: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One link of the audit chain. ``hash`` = SHA-256(canonical JSON of the fields + ``prev_hash``).

    Unique ``sequence`` and unique ``prev_hash`` make a fork impossible to commit: two writers that read the
    same head cannot both insert a successor.
    """

    __tablename__ = "govern_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    time: Mapped[str] = mapped_column(String(40))  # ISO-8601 UTC
    action: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(100))
    dataset: Mapped[str] = mapped_column(String(100))
    columns: Mapped[str] = mapped_column(Text)  # JSON list
    row_count: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))  # allowed | denied | done
    rule: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text)  # JSON object: counts, never names


class AuditHeadLock(Base):
    """One row every appender updates first (a row lock), so appends to the chain are serialised."""

    __tablename__ = "govern_audit_head_lock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Objection(Base):
    """A person who objects to their data being used. The identifier is a keyed hash, never in clear."""

    __tablename__ = "govern_objections"
    __table_args__ = (UniqueConstraint("kind", "identifier_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # nhs_number | person_id
    identifier_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(100), default="all")  # "all" or a purpose code
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# The audit table is append-only in the database itself: UPDATE and DELETE are refused by a trigger, so only
# someone able to drop the trigger (a database owner) can tamper — and `placehub audit verify` still shows it.
# NB for migrations: Alembic autogenerate does not see triggers; the migration must run these statements too.
AUDIT_APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS govern_audit_no_update BEFORE UPDATE ON govern_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS govern_audit_no_delete BEFORE DELETE ON govern_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END",
]
AUDIT_APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION govern_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit chain is append-only'; END $$",
    "CREATE TRIGGER govern_audit_no_change BEFORE UPDATE OR DELETE ON govern_audit "
    "FOR EACH ROW EXECUTE FUNCTION govern_audit_append_only()",
]


def _append_only(target, connection, **_kw) -> None:  # type: ignore[no-untyped-def]
    statements = {
        "sqlite": AUDIT_APPEND_ONLY_SQLITE,
        "postgresql": AUDIT_APPEND_ONLY_POSTGRESQL,
    }.get(connection.dialect.name, [])
    for sql in statements:
        connection.exec_driver_sql(sql)


event.listen(AuditEntry.__table__, "after_create", _append_only)
