"""Password sign-in with a lock-out: after 5 failed attempts an account is locked for 15 minutes.

Failures are counted per username whether or not the user exists, so the lock-out does not reveal which
usernames are real. A successful sign-in clears the count.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select

from placehub.errors import NotPermitted
from placehub.govern.people import UserInfo, check_password
from placehub.store import Catalogue
from placehub.store.models_web import LoginFailure
from placehub.web.config import WebSettings


class AccountLocked(NotPermitted):
    http_status = 429


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive UTC times


def locked_until(catalogue: Catalogue, web: WebSettings, username: str, now: datetime) -> datetime | None:
    """When the account's lock ends, or None if it is not locked.

    A lock starts when ``max_failures`` failures fall within one ``lockout`` window and lasts ``lockout`` from
    the last of them. Failures are not recorded while locked, and a successful sign-in clears them.
    """
    with catalogue.session() as s:
        times = sorted(
            _aware(t)
            for t in s.scalars(select(LoginFailure.failed_at).where(LoginFailure.username == username))
        )
    k = web.max_failures
    ends = [
        times[i] + web.lockout for i in range(k - 1, len(times)) if times[i] - times[i - k + 1] <= web.lockout
    ]
    until = max(ends, default=None)
    return until if until is not None and now < until else None


def _locked_message(until: datetime, now: datetime, web: WebSettings) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (
        f"This account is locked after {web.max_failures} failed sign-ins. Try again after "
        f"{until:%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''}), or ask an administrator."
    )


def sign_in(
    catalogue: Catalogue, web: WebSettings, username: str, password: str, *, now: datetime | None = None
) -> UserInfo:
    """The user, if not locked and the password is right; AccountLocked or NotPermitted otherwise."""
    now = now or datetime.now(UTC)
    username = username.strip()
    if until := locked_until(catalogue, web, username, now):
        raise AccountLocked(_locked_message(until, now, web))
    try:
        user = check_password(catalogue, username, password)
    except NotPermitted:
        with catalogue.session() as s:
            s.add(LoginFailure(username=username, failed_at=now))
            # Old failures can no longer lock anyone: keep the table small.
            s.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - 4 * web.lockout))
        if until := locked_until(catalogue, web, username, now):
            raise AccountLocked(_locked_message(until, now, web)) from None
        raise NotPermitted("Sign-in refused: the username or password is wrong.") from None
    with catalogue.session() as s:
        s.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return user
