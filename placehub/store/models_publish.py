"""Catalogue tables for publish: aggregate definitions (versioned) and releases (draft, approved, published).

Published cells, the SDC log and metadata are stored as JSON text (portable across SQLite and PostgreSQL).
The true counts behind a release are kept in their own table: they are needed to protect later releases of the
same definition against differencing, and they never leave through the public API or an export.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


class PublishDefinition(Base):
    __tablename__ = "publish_definitions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the YAML as defined
    defined_by: Mapped[str] = mapped_column(String(100))
    defined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PublishRelease(Base):
    __tablename__ = "publish_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    definition_name: Mapped[str] = mapped_column(String(100), index=True)
    definition_version: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1, 2, … once published
    status: Mapped[str] = mapped_column(String(20))  # draft | approved | published | withdrawn
    rule_set: Mapped[str] = mapped_column(String(100))
    maker: Mapped[str] = mapped_column(String(100))
    checker: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    based_on: Mapped[int] = mapped_column(Integer, default=0)  # published releases of the definition seen
    cells: Mapped[str] = mapped_column(Text)  # JSON: published values by cell key (null where suppressed)
    sdc_log: Mapped[str] = mapped_column(Text)  # JSON: each hidden cell, primary/secondary, why
    meta: Mapped[str] = mapped_column(Text)  # JSON: shape, labels, rule set, licence, changelog
    changelog: Mapped[str] = mapped_column(Text, default="")


class PublishReleaseTruth(Base):
    """The true counts of a release (private: used only to protect later releases of its definition)."""

    __tablename__ = "publish_release_truth"

    release_id: Mapped[int] = mapped_column(ForeignKey("publish_releases.id"), primary_key=True)
    values: Mapped[str] = mapped_column(Text)  # JSON: true count by interior cell key
