"""One settings object: where things live, which database, which keys.

Everything comes from the environment (``PLACEHUB_*``) with laptop defaults, so the same code runs on an
embedded SQLite/DuckDB pair and on a shared PostgreSQL server. Secrets are read from the environment or from
files under ``home/keys`` and are never logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_shared_data() -> Path:
    return REPO_ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    vault_path: Path
    shared_data: Path
    contracts_dirs: tuple[Path, ...] = field(default_factory=tuple)
    user: str = "analyst"

    @property
    def files_dir(self) -> Path:
        """Original delivered files, kept byte for byte under their SHA-256."""
        return self.home / "files"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    def ensure_dirs(self) -> None:
        for d in (self.home, self.files_dir, self.keys_dir, self.exports_dir):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys_dir, 0o700)  # purpose keys: readable by the service account only


PACKAGED_CONTRACTS = Path(__file__).resolve().parent / "contracts"


def get_settings(home: Path | str | None = None) -> Settings:
    """Settings from the environment; ``home`` overrides ``PLACEHUB_HOME`` (tests pass a tmp path)."""
    env = os.environ
    home_path = Path(home or env.get("PLACEHUB_HOME") or Path.cwd() / "placehub-data").resolve()
    database_url = env.get("PLACEHUB_DATABASE_URL") or f"sqlite:///{home_path / 'catalogue.db'}"
    if home is not None and "PLACEHUB_DATABASE_URL" not in env:
        database_url = f"sqlite:///{home_path / 'catalogue.db'}"
    vault = Path(env.get("PLACEHUB_VAULT") or home_path / "vault.duckdb")
    shared = Path(env.get("PLACEHUB_SHARED_DATA") or _default_shared_data())
    extra = [Path(p) for p in env.get("PLACEHUB_CONTRACTS", "").split(os.pathsep) if p]
    contracts = (*extra, home_path / "contracts", PACKAGED_CONTRACTS)
    return Settings(
        home=home_path,
        database_url=database_url,
        vault_path=vault,
        shared_data=shared,
        contracts_dirs=contracts,
        user=env.get("PLACEHUB_USER", "analyst"),
    )
