"""Catalogue tables for person linkage: runs (with their model), person id events, review decisions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


def _now() -> datetime:
    return datetime.now(UTC)


class LinkRun(Base):
    """One linkage run: what drove it (settings, trained model) and what it found (counts only)."""

    __tablename__ = "link_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # full | incremental
    engine: Mapped[str] = mapped_column(String(16))  # duckdb | spark
    source: Mapped[str | None] = mapped_column(String(200), nullable=True)  # incremental: the source loaded
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    match_threshold: Mapped[float] = mapped_column(Float)
    review_threshold: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    settings_json: Mapped[str] = mapped_column(Text)  # placehub's LinkConfig, as JSON
    model_json: Mapped[str] = mapped_column(Text)  # Splink's trained model (settings + m/u), as JSON
    records: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int] = mapped_column(Integer, default=0)
    pairs_for_review: Mapped[int] = mapped_column(Integer, default=0)
    people_new: Mapped[int] = mapped_column(Integer, default=0)
    merges: Mapped[int] = mapped_column(Integer, default=0)
    splits: Mapped[int] = mapped_column(Integer, default=0)
    last_person_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest person id number ever issued
    run_by: Mapped[str] = mapped_column(String(200), default="analyst")


class PersonEvent(Base):
    """A merge or split of existing person ids, with the reason (ids only; never names)."""

    __tablename__ = "link_person_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # merge | split
    person_id: Mapped[str] = mapped_column(String(32), index=True)  # the id that survives (merge) / splits
    other_person_ids: Mapped[str] = mapped_column(Text)  # JSON list: absorbed ids (merge) / new ids (split)
    records_moved: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LinkReviewDecision(Base):
    """A clerical decision on a record pair: accept forces the pair together, reject keeps it apart."""

    __tablename__ = "link_review_decisions"
    __table_args__ = (UniqueConstraint("record_l", "record_r", name="uq_link_review_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_l: Mapped[str] = mapped_column(String(400))  # "<source>|<record_id>", the smaller of the pair
    record_r: Mapped[str] = mapped_column(String(400))
    decision: Mapped[str] = mapped_column(String(16))  # accept | reject
    match_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
