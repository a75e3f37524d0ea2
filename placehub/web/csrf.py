"""CSRF protection bound to the session: each session holds one random token, every form posts it back.

The session cookie is SameSite=Lax as well; the token covers what Lax does not (same-site subdomains, old
browsers). JSON API calls authenticated by an API token carry no cookie and need no CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from placehub.errors import NotPermitted

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfFailed(NotPermitted):
    pass


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get(SESSION_KEY)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfFailed(
            "The form could not be accepted because its security token is missing or out of date. "
            "Go back, reload the page and try again."
        )


def check_api_csrf(request: Request, by_token: bool) -> None:
    """A JSON call that changes something: API tokens need nothing more; a session cookie needs the header."""
    if not by_token:
        check_csrf(request, request.headers.get(HEADER))
