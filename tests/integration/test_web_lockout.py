"""Password sign-in lock-out on SQLite and PostgreSQL: 5 failures lock an account for 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from placehub.errors import NotPermitted
from placehub.govern import Role, add_organisation, add_user
from placehub.store import open_catalogue
from placehub.web.config import WebSettings
from placehub.web.lockout import AccountLocked, locked_until, sign_in

PASSWORD = "correct horse battery staple"
WEB = WebSettings(secret_key="k" * 40)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_five_failures_lock_for_fifteen_minutes(catalogue_url: str) -> None:
    catalogue = open_catalogue(catalogue_url)
    try:
        add_organisation(catalogue, "council", "Testbury Council")
        add_user(catalogue, "ana", "council", Role.ANALYST, PASSWORD)
        for n in range(4):
            with pytest.raises(NotPermitted) as refused:
                sign_in(catalogue, WEB, "ana", "wrong", now=T0 + timedelta(minutes=n))
            assert str(refused.value) == "Sign-in refused: the username or password is wrong."
        with pytest.raises(AccountLocked) as locked:
            sign_in(catalogue, WEB, "ana", "wrong", now=T0 + timedelta(minutes=4))
        assert str(locked.value) == (
            "This account is locked after 5 failed sign-ins. Try again after 09:19 UTC (in 15 minutes), "
            "or ask an administrator."
        )
        assert locked_until(catalogue, WEB, "ana", T0 + timedelta(minutes=10)) == T0 + timedelta(minutes=19)
        with pytest.raises(AccountLocked):  # the right password does not open a locked account
            sign_in(catalogue, WEB, "ana", PASSWORD, now=T0 + timedelta(minutes=18))
        # 15 minutes after the last failure only 1 of the 5 failures (at 09:04) is still recent: unlocked.
        user = sign_in(catalogue, WEB, "ana", PASSWORD, now=T0 + timedelta(minutes=19, seconds=1))
        assert (user.username, user.role) == ("ana", Role.ANALYST)
        assert locked_until(catalogue, WEB, "ana", T0 + timedelta(minutes=19, seconds=2)) is None
    finally:
        catalogue.dispose()


def test_unknown_usernames_lock_too(catalogue_url: str) -> None:
    """Failures count for any name, so the lock-out does not tell a guesser which usernames exist."""
    catalogue = open_catalogue(catalogue_url)
    try:
        for n in range(4):
            with pytest.raises(NotPermitted):
                sign_in(catalogue, WEB, "nobody", "guess", now=T0 + timedelta(seconds=n))
        with pytest.raises(AccountLocked):
            sign_in(catalogue, WEB, "nobody", "guess", now=T0 + timedelta(seconds=5))
    finally:
        catalogue.dispose()
