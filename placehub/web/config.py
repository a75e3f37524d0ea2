"""The web app's own settings: cookie signing key, https, sign-in limits and the OpenID Connect provider.

Everything comes from the environment (``PLACEHUB_WEB_*``, ``PLACEHUB_OIDC_*``). The signing key is read from
``PLACEHUB_WEB_SECRET`` or from ``home/keys/web-session.key`` (created once, readable by the owner only), so
sessions survive a restart without a secret ever being written to a log.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from placehub.settings import Settings


@dataclass(frozen=True)
class OidcProvider:
    """An OpenID Connect identity provider (Microsoft Entra ID, Google, Keycloak …), found by discovery."""

    issuer: str  # discovery document at <issuer>/.well-known/openid-configuration
    client_id: str
    client_secret: str
    label: str = "your organisation's account"
    username_claim: str = "email"  # the claim that names the placehub user
    scope: str = "openid email profile"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    secure_cookies: bool = False  # True when served over https: cookies get the Secure flag
    session_hours: int = 8
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    oidc: OidcProvider | None = None


def _secret(settings: Settings) -> str:
    if value := os.environ.get("PLACEHUB_WEB_SECRET"):
        return value
    path = settings.keys_dir / "web-session.key"
    if not path.exists():
        settings.keys_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def web_settings(settings: Settings) -> WebSettings:
    """Web settings from the environment, with the signing key from the home's keys folder."""
    env = os.environ
    oidc = None
    if env.get("PLACEHUB_OIDC_ISSUER"):
        oidc = OidcProvider(
            issuer=env["PLACEHUB_OIDC_ISSUER"],
            client_id=env.get("PLACEHUB_OIDC_CLIENT_ID", "placehub"),
            client_secret=env.get("PLACEHUB_OIDC_CLIENT_SECRET", ""),
            label=env.get("PLACEHUB_OIDC_LABEL", "your organisation's account"),
            username_claim=env.get("PLACEHUB_OIDC_USERNAME_CLAIM", "email"),
        )
    return WebSettings(
        secret_key=_secret(settings),
        secure_cookies=env.get("PLACEHUB_WEB_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        oidc=oidc,
    )
