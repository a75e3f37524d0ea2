"""Sign-in with the council's identity provider over OpenID Connect (Authlib), e.g. Microsoft Entra ID.

The provider proves who the person is; placehub decides what they may do. The claim named by
``username_claim`` (default ``email``) must name an active placehub user, whose organisation and role apply.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import Request

from placehub.errors import NotFound, NotPermitted
from placehub.govern.people import UserInfo, get_user
from placehub.store import Catalogue
from placehub.web.config import OidcProvider

CLIENT = "council"


def register_provider(provider: OidcProvider) -> OAuth:
    oauth = OAuth()
    oauth.register(
        name=CLIENT,
        server_metadata_url=provider.metadata_url,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        client_kwargs={"scope": provider.scope},
    )
    return oauth


async def start(oauth: OAuth, request: Request, redirect_uri: str) -> Any:
    return await oauth.create_client(CLIENT).authorize_redirect(request, redirect_uri)


async def finish(oauth: OAuth, request: Request, catalogue: Catalogue, provider: OidcProvider) -> UserInfo:
    """Exchange the code, check the ID token, and map its claim to an active placehub user."""
    try:
        token = await oauth.create_client(CLIENT).authorize_access_token(request)
    except OAuthError as exc:
        raise NotPermitted(
            f"Sign-in with {provider.label} did not complete: {exc.description or exc.error}."
        ) from None
    claims = token.get("userinfo") or {}
    name = claims.get(provider.username_claim)
    if not name:
        raise NotPermitted(
            f"{provider.label} did not send the '{provider.username_claim}' claim, so placehub cannot tell "
            "who you are. Ask your administrator to release it to placehub."
        )
    try:
        user = get_user(catalogue, str(name))
    except NotFound:
        raise NotPermitted(
            f"{name} signed in with {provider.label} but has no placehub account. "
            "Ask an administrator to add you with `placehub user add`."
        ) from None
    if not user.active:
        raise NotPermitted(f"The placehub account {name} is not active.")
    return user
