"""Pages on a new, empty home say plainly that nothing is there yet (no vault, no tables, no agreements)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from placehub.govern import Role, add_organisation, add_user
from placehub.store import open_catalogue
from placehub.web.app import create_app
from placehub.web.config import WebSettings
from tests.web._web_helpers import PASSWORD, make_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _text(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|dd)>', html, re.S)
    assert m, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1))).strip()


def test_an_empty_home_degrades_clearly(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    settings = make_settings(tmp_path / "home")
    catalogue = open_catalogue(settings.database_url)
    add_organisation(catalogue, "council", "Testbury Council")
    add_user(catalogue, "ana", "council", Role.ANALYST, PASSWORD)
    catalogue.dispose()
    client = TestClient(create_app(settings, WebSettings(secret_key="e" * 40)))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post(
        "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    assert r.status_code == 200 and r.url.path == "/"
    dash = r.text
    assert _text(dash, "no-loads") == "No loads yet. Upload a partner's file."
    assert _text(dash, "count-addresses") == "no gazetteer yet"
    assert "No addresses have been matched yet." in dash
    assert _text(client.get("/sources").text, "no-loads") == "No loads yet."
    assert _text(client.get("/review").text, "no-review") == "Nothing is waiting for review."
    assert _text(client.get("/map").text, "no-index").startswith("No index has been built yet.")
    assert "There are no agreements yet." in client.get("/register").text
    assert client.get("/api/indices").json() == []
    assert client.get("/api/maps/spi?level=lsoa").json() == {
        "error": "No index has been built yet: run `placehub index build NAME`.",
        "status": 404,
    }
    assert not settings.vault_path.exists()  # reading pages never creates the vault
