"""Users, roles, passwords (argon2id) and purpose-scoped API tokens (stored as SHA-256 only)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotFound, NotPermitted
from placehub.govern import Role, add_organisation, add_user, check_password, create_token, resolve_token
from placehub.govern.people import InvalidInput, parse_role, revoke_token
from placehub.store import open_catalogue

PASSWORD = "correct horse battery staple"


@pytest.fixture
def cat(tmp_path):  # type: ignore[no-untyped-def]
    c = open_catalogue(f"sqlite:///{tmp_path / 'c.db'}")
    add_organisation(c, "council", "Test Borough Council", "council")
    yield c
    c.dispose()


def test_password_stored_as_argon2id_only(cat) -> None:  # type: ignore[no-untyped-def]
    add_user(cat, "ana", "council", Role.ANALYST, PASSWORD)
    with cat.engine.connect() as c:
        stored = c.execute(sa.text("select password_hash from govern_users")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert check_password(cat, "ana", PASSWORD).role is Role.ANALYST
    with pytest.raises(NotPermitted, match=r"\(rule: credentials\)"):
        check_password(cat, "ana", PASSWORD + "!")
    with pytest.raises(NotPermitted, match=r"\(rule: credentials\)"):
        check_password(cat, "nobody", PASSWORD)


def test_user_needs_an_organisation_and_a_real_role(cat) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="No organisation 'nhs': add it first with `placehub org add`."):
        add_user(cat, "nina", "nhs", Role.ANALYST, PASSWORD)
    with pytest.raises(InvalidInput) as exc:
        parse_role("admin")
    assert (
        str(exc.value) == "'admin' is not a role; choose one of: analyst, ig_officer, partner_worker, public."
    )
    with pytest.raises(InvalidInput, match="at least 12 characters"):
        add_user(cat, "sam", "council", Role.ANALYST, "short")


def test_token_hashed_and_scoped_to_one_purpose(cat) -> None:  # type: ignore[no-untyped-def]
    add_user(cat, "pat", "council", Role.PARTNER_WORKER, None)
    secret = create_token(cat, "pat", "shielding-support")
    with cat.engine.connect() as c:
        stored = c.execute(sa.text("select token_hash, purpose from govern_api_tokens")).one()
    assert tuple(stored) == (hashlib.sha256(secret.encode()).hexdigest(), "shielding-support")
    assert resolve_token(cat, secret) == ("pat", "shielding-support")
    revoke_token(cat, secret)
    with pytest.raises(NotPermitted, match=r"\(rule: token\)"):
        resolve_token(cat, secret)


def test_user_cli_reads_password_from_prompt_not_arguments(settings) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    assert runner.invoke(app, ["org", "add", "council", "Test Borough Council"]).exit_code == 0
    result = runner.invoke(
        app,
        ["user", "add", "ana", "--org", "council", "--role", "analyst"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert result.output.endswith("Added user ana (analyst at council)\n")
    token = runner.invoke(app, ["token", "create", "ana", "--purpose", "shielding-support"])
    secret = token.output.strip().splitlines()[-1]
    cat = open_catalogue(settings.database_url)
    assert check_password(cat, "ana", PASSWORD).username == "ana"
    assert resolve_token(cat, secret) == ("ana", "shielding-support")
    cat.dispose()
