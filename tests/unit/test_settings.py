from pathlib import Path

from placehub.settings import get_settings


def test_defaults_live_under_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PLACEHUB_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLACEHUB_VAULT", raising=False)
    s = get_settings(tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path / 'catalogue.db'}"
    assert s.vault_path == tmp_path / "vault.duckdb"
    assert s.files_dir == tmp_path / "files"


def test_database_url_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLACEHUB_HOME", str(tmp_path))
    monkeypatch.setenv("PLACEHUB_DATABASE_URL", "postgresql://db.example/placehub")
    assert get_settings().database_url == "postgresql://db.example/placehub"
