"""Organisations, users and their roles, passwords (argon2id) and API tokens (SHA-256 of a random secret).

Neither a password nor a token secret is stored or logged: only their hashes. A token is scoped to one
purpose.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from placehub.errors import NotFound, NotPermitted, PlacehubUserError
from placehub.store import Catalogue
from placehub.store.models_govern import ApiToken, Organisation, User

TOKEN_PREFIX = "phk_"
_hasher = PasswordHasher()  # argon2id, library defaults (memory-hard)


class Role(StrEnum):
    ANALYST = "analyst"
    IG_OFFICER = "ig_officer"
    PARTNER_WORKER = "partner_worker"
    PUBLIC = "public"


# Roles that may receive person-level rows at all (the agreement then decides which). An IG officer governs
# (agreements, objections, audit) without seeing residents' records; the public sees only published data.
READS_PERSON_LEVEL = frozenset({Role.ANALYST, Role.PARTNER_WORKER})


class InvalidInput(PlacehubUserError):
    pass


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    organisation: str
    role: Role
    active: bool


def add_organisation(catalogue: Catalogue, org_id: str, name: str, kind: str = "other") -> None:
    with catalogue.session() as s:
        if s.get(Organisation, org_id) is not None:
            raise InvalidInput(f"Organisation '{org_id}' already exists.")
        s.add(Organisation(id=org_id, name=name, kind=kind, created_at=datetime.now(UTC)))


def list_organisations(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    with catalogue.session() as s:
        return [
            (o.id, o.name, o.kind) for o in s.scalars(select(Organisation).order_by(Organisation.id)).all()
        ]


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(
            f"'{value}' is not a role; choose one of: {', '.join(r.value for r in Role)}."
        ) from None


def add_user(
    catalogue: Catalogue, username: str, organisation: str, role: Role, password: str | None
) -> UserInfo:
    """Create a user; ``password`` is hashed with argon2id (None: token-only user)."""
    if password is not None and len(password) < 12:
        raise InvalidInput("A password must be at least 12 characters long.")
    with catalogue.session() as s:
        if s.get(Organisation, organisation) is None:
            raise NotFound(f"No organisation '{organisation}': add it first with `placehub org add`.")
        if s.scalars(select(User).where(User.username == username)).first() is not None:
            raise InvalidInput(f"User '{username}' already exists.")
        user = User(
            username=username,
            organisation_id=organisation,
            role=role.value,
            password_hash=_hasher.hash(password) if password is not None else None,
            active=True,
            created_at=datetime.now(UTC),
        )
        s.add(user)
        s.flush()
        return UserInfo(user.id, username, organisation, role, True)


def get_user(catalogue: Catalogue, username: str) -> UserInfo:
    with catalogue.session() as s:
        u = s.scalars(select(User).where(User.username == username)).first()
        if u is None:
            raise NotFound(f"No user '{username}'.")
        return UserInfo(u.id, u.username, u.organisation_id, Role(u.role), u.active)


def set_active(catalogue: Catalogue, username: str, active: bool) -> None:
    with catalogue.session() as s:
        u = s.scalars(select(User).where(User.username == username)).first()
        if u is None:
            raise NotFound(f"No user '{username}'.")
        u.active = active


def check_password(catalogue: Catalogue, username: str, password: str) -> UserInfo:
    """The user if the password is right and the user active; otherwise NotPermitted (one message for all)."""
    refused = NotPermitted(
        "Sign-in refused (rule: credentials): unknown user, wrong password or inactive user."
    )
    with catalogue.session() as s:
        u = s.scalars(select(User).where(User.username == username)).first()
        if u is None or u.password_hash is None or not u.active:
            raise refused
        try:
            _hasher.verify(u.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise refused from None
        if _hasher.check_needs_rehash(u.password_hash):
            u.password_hash = _hasher.hash(password)
        return UserInfo(u.id, u.username, u.organisation_id, Role(u.role), u.active)


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(catalogue: Catalogue, username: str, purpose: str) -> str:
    """A new API token for ``username`` scoped to ``purpose``; the secret is returned once, never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with catalogue.session() as s:
        u = s.scalars(select(User).where(User.username == username)).first()
        if u is None:
            raise NotFound(f"No user '{username}'.")
        s.add(
            ApiToken(
                user_id=u.id, purpose=purpose, token_hash=_token_hash(secret), created_at=datetime.now(UTC)
            )
        )
    return secret


def resolve_token(catalogue: Catalogue, secret: str) -> tuple[str, str]:
    """(username, purpose) of a valid, unrevoked token; NotPermitted otherwise."""
    with catalogue.session() as s:
        row = s.execute(
            select(User.username, ApiToken.purpose)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == _token_hash(secret), ApiToken.revoked.is_(False))
        ).first()
    if row is None:
        raise NotPermitted("Token refused (rule: token): unknown or revoked API token.")
    return row[0], row[1]


def revoke_token(catalogue: Catalogue, secret: str) -> None:
    with catalogue.session() as s:
        t = s.scalars(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret))).first()
        if t is None:
            raise NotFound("No such token.")
        t.revoked = True
