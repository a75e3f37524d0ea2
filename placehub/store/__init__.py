"""Storage: the catalogue (SQLAlchemy: SQLite or PostgreSQL) and the vault (DuckDB, record-level data)."""

from placehub.store.db import Base, Catalogue, open_catalogue
from placehub.store.vault import Vault

__all__ = ["Base", "Catalogue", "open_catalogue", "Vault"]
