"""Catalogue tables for address matching: runs (with thresholds), the review queue, remembered decisions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


def _now() -> datetime:
    return datetime.now(UTC)


class MatchRun(Base):
    """One `placehub match SOURCE`: which load, which gazetteer, which thresholds, and the counts."""

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    load_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gazetteer_key: Mapped[str] = mapped_column(String(64))
    thresholds_json: Mapped[str] = mapped_column(Text)  # MatchThresholds, as JSON
    records: Mapped[int] = mapped_column(Integer, default=0)
    auto: Mapped[int] = mapped_column(Integer, default=0)
    review: Mapped[int] = mapped_column(Integer, default=0)
    reviewed: Mapped[int] = mapped_column(Integer, default=0)
    unmatched: Mapped[int] = mapped_column(Integer, default=0)
    gazetteer_reused: Mapped[int] = mapped_column(Integer, default=0)  # 1: prepared gazetteer was reused
    seconds: Mapped[float] = mapped_column(default=0.0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    run_by: Mapped[str] = mapped_column(String(200), default="analyst")


class MatchReviewItem(Base):
    """A record set aside for a person, by id. The address itself stays in the vault (``matches``)."""

    __tablename__ = "match_review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    load_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_id: Mapped[str] = mapped_column(String(200))
    address_key: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    suggested_uprn: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | rejected | superseded
    decision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MatchDecisionRecord(Base):
    """A person's decision on an address of a source, remembered for every later load of that source."""

    __tablename__ = "match_decisions"
    __table_args__ = (UniqueConstraint("source", "address_key", "postcode", name="uq_match_decision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    address_key: Mapped[str] = mapped_column(Text)  # normalised address (placehub.match.normalise)
    postcode: Mapped[str] = mapped_column(String(16), default="")  # "" when the record had none
    uprn: Mapped[str | None] = mapped_column(String(32), nullable=True)  # None: "no match"
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
