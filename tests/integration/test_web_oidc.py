"""Sign-in with OpenID Connect, end to end: the app (uvicorn, loopback) and a real oidc-provider-mock server
on a free loopback port; Authlib does discovery, the code exchange and the ID token check."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import httpx
import pytest

from placehub.web.app import create_app
from placehub.web.config import OidcProvider, WebSettings
from tests.web._web_helpers import free_port, make_settings, seed_people, serve

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def provider_url() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from oidc_provider_mock import run_server_in_thread

    port = free_port()
    with run_server_in_thread(port=port) as server:
        yield f"http://localhost:{server.server_port}"


def _sign_in_at_provider(client: httpx.Client, base: str, sub: str) -> httpx.Response:
    r = client.get(base + "/login/oidc")
    assert r.status_code == 302
    authorize = r.headers["location"]
    assert authorize.startswith("http://localhost:") and "/oauth2/authorize?" in authorize
    form = client.get(authorize)
    assert form.status_code == 200
    r = client.post(
        authorize, data={"sub": sub}
    )  # the provider's "Authorize" form, as a person would submit it
    assert r.status_code == 302
    callback = r.headers["location"]
    assert callback.startswith(base + "/login/oidc/callback?code=")
    return client.get(callback)


def test_oidc_sign_in_maps_to_a_placehub_user(tmp_path: Path, provider_url: str) -> None:
    settings = make_settings(tmp_path / "home")
    seed_people(settings)
    oidc = OidcProvider(
        issuer=provider_url, client_id="placehub-test", client_secret="s3cret", label="Testbury ID"
    )
    app = create_app(settings, WebSettings(secret_key="k" * 48, oidc=oidc))
    with serve(app) as base, httpx.Client(follow_redirects=False, timeout=20) as client:
        login = client.get(base + "/login")
        assert re.search(
            r'<a class="button secondary" id="oidc-login" href="/login/oidc">Sign in with Testbury ID</a>',
            login.text,
        )
        done = _sign_in_at_provider(client, base, "oidc.ana@testbury.example")
        assert (done.status_code, done.headers["location"]) == (303, "/")
        me = client.get(base + "/api/me").json()
        assert me == {
            "username": "oidc.ana@testbury.example",
            "organisation": "council",
            "role": "analyst",
            "purpose": None,
            "authenticated_by": "session",
        }
        assert client.get(base + "/").status_code == 200

    with serve(app) as base, httpx.Client(follow_redirects=False, timeout=20) as client:
        refused = _sign_in_at_provider(client, base, "stranger@elsewhere.example")
        assert refused.status_code == 403
        assert (
            "stranger@elsewhere.example signed in with Testbury ID but has no placehub account. "
            "Ask an administrator to add you with `placehub user add`."
        ) in refused.text
        assert client.get(base + "/api/me").status_code == 401
