"""Catalogue model for ingest: one row per delivered file that loaded (sources and gazetteers alike)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


class LoadStatus(enum.StrEnum):
    CURRENT = "current"  # the newest load of its source: its records are the current ones
    SUPERSEDED = "superseded"  # a later load of the same source replaced it


class LoadKind(enum.StrEnum):
    SOURCE = "source"
    GAZETTEER = "gazetteer"


class Load(Base):
    __tablename__ = "ingest_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), default=LoadKind.SOURCE.value)
    source: Mapped[str] = mapped_column(String(200), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    stored_path: Mapped[str] = mapped_column(String(1000))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(40), nullable=True)
    delimiter: Mapped[str | None] = mapped_column(String(4), nullable=True)
    sheet: Mapped[str | None] = mapped_column(String(200), nullable=True)
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_accepted: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    # {"NHS number fails its check digit": 3, …}: what the rejects were, for summaries
    reason_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The contract exactly as used, so a load can always say what it was checked against.
    contract: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=LoadStatus.CURRENT.value)
    user: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
