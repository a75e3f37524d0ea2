"""Who is asking: a signed-in person (session cookie) or a machine (``Authorization: Bearer`` API token).

Routes declare the roles they serve with ``require(...)``; routes that touch person-level data also take an
``Access`` from ``placehub.govern`` (``open_access`` for a person under their chosen purpose, or
``access_from_token`` for a machine) and read nothing person-level except through it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from placehub.errors import NotFound, NotPermitted, PlacehubUserError
from placehub.govern import Access, Role, access_from_token, open_access
from placehub.govern.audit import one_commit
from placehub.govern.people import get_user, resolve_token
from placehub.settings import Settings
from placehub.store import Catalogue, memo
from placehub.web.config import WebSettings
from placehub.web.vault_lock import VaultLock

# DuckDB lets one process open a file read-only (many connections at once) or read-write, not both at once:
# requests reading over read-only connections share the lock (``VAULT_LOCK.shared()``, or
# ``vault_read.reading(settings)``); requests that open the vault read-write hold it alone
# (``with VAULT_LOCK:``).


def readers_at_once() -> int | None:
    """How many requests may read the vault at once: ``PLACEHUB_WEB_VAULT_READERS`` (0: no limit), else the
    machine's CPUs (at least 2). Readers beyond the cores only share the cores and Python's GIL more thinly:
    every page then waits behind them, where with a limit the pages that read no vault stay fast and the
    readers queue in order (measured on 2 cores, 50 users: /api/health p50 37 ms limited, ~300 ms not)."""
    value = os.environ.get("PLACEHUB_WEB_VAULT_READERS", "").strip()
    if value:
        return int(value) if int(value) > 0 else None
    return max(2, os.cpu_count() or 2)


VAULT_LOCK = VaultLock(readers_at_once())
# a request may wait for another's computation of a value both missed only while it holds no vault lock (the
# computation may need it): see store.memo
memo.wait_for_others_when(lambda: not VAULT_LOCK.held())


class SignInRequired(PlacehubUserError):
    http_status = 401


class TokenRefused(PlacehubUserError):
    """An unknown or revoked API token: 401, so a machine knows to fetch a new one."""

    http_status = 401


class PurposeNeeded(PlacehubUserError):
    http_status = 409


@dataclass(frozen=True)
class Viewer:
    username: str
    organisation: str
    role: Role
    purpose: str | None  # session: the purpose chosen; token: the token's one purpose
    token: str | None = None  # the bearer secret (machines only); never logged

    @property
    def by_token(self) -> bool:
        return self.token is not None


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def catalogue_of(request: Request) -> Catalogue:
    return request.app.state.catalogue


def web_of(request: Request) -> WebSettings:
    return request.app.state.web


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def optional_viewer(request: Request) -> Viewer | None:
    catalogue = catalogue_of(request)
    if token := _bearer(request):
        try:
            username, purpose = resolve_token(catalogue, token)
        except NotPermitted as exc:
            raise TokenRefused(str(exc)) from None
        user = get_user(catalogue, username)
        if not user.active:
            raise NotPermitted("Token refused (rule: user_inactive): the token's user is not active.")
        return Viewer(user.username, user.organisation, user.role, purpose, token=token)
    username = request.session.get("user")
    if not username:
        return None
    try:
        user = get_user(catalogue, username)
    except NotFound:
        user = None
    if user is None or not user.active:
        request.session.clear()  # a removed or deactivated user loses their session at once
        return None
    return Viewer(user.username, user.organisation, user.role, request.session.get("purpose"))


# Declared so that the OpenAPI document shows the Bearer scheme; the header itself is read in optional_viewer.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token from `placehub token create`.")


def current_viewer(
    request: Request, _credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme)
) -> Viewer:
    viewer = optional_viewer(request)
    if viewer is None:
        raise SignInRequired("Sign in to see this page.")
    return viewer


def require(*roles: Role) -> Callable[..., Viewer]:
    """A dependency that admits only viewers with one of ``roles``."""

    def dependency(viewer: Viewer = Depends(current_viewer)) -> Viewer:
        if viewer.role not in roles:
            raise NotPermitted(
                f"Your role ({viewer.role.value}) cannot use this page; it is for: "
                + ", ".join(r.value for r in roles)
                + "."
            )
        return viewer

    return dependency


def one_audit_commit(request: Request) -> AbstractContextManager[None]:
    """The request's audit entries (the access opened, the rows read, ...) chained in one transaction when
    the block ends: a page takes one turn at the audit chain. Render after the block (audit.one_commit)."""
    return one_commit(catalogue_of(request))


def access_for(request: Request, viewer: Viewer) -> Access:
    """The governed access this viewer acts under (agreement, purpose, audit). NotPermitted names the rule."""
    catalogue, settings = catalogue_of(request), settings_of(request)
    if viewer.token:
        return access_from_token(catalogue, settings, viewer.token)
    if not viewer.purpose:
        raise PurposeNeeded("Choose the purpose you are working under before opening residents' records.")
    return open_access(
        catalogue,
        settings,
        username=viewer.username,
        organisation=viewer.organisation,
        purpose=viewer.purpose,
    )
