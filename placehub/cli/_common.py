"""Helpers shared by command modules: settings, catalogue and vault from the environment."""

from __future__ import annotations

from placehub.settings import Settings, get_settings
from placehub.store import Catalogue, Vault, open_catalogue


def settings() -> Settings:
    s = get_settings()
    s.ensure_dirs()
    return s


def catalogue(s: Settings | None = None) -> Catalogue:
    return open_catalogue((s or settings()).database_url)


def vault(s: Settings | None = None) -> Vault:
    return Vault((s or settings()).vault_path)
