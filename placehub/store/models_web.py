"""Catalogue table for the web app: failed sign-ins, for the lock-out (5 failures → 15 minutes locked).

Only the username and the time are kept (no password, no address): enough to lock an account that is being
guessed at, and to clear it after a successful sign-in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from placehub.store.db import Base


class LoginFailure(Base):
    __tablename__ = "web_login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
