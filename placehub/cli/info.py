"""``placehub info``: where this installation keeps its data."""

from __future__ import annotations

import typer
from rich.table import Table

from placehub import __version__
from placehub.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command()
    def info() -> None:
        """Show placehub's version and where it keeps its catalogue, vault and files."""
        from sqlalchemy.engine import make_url

        from placehub.cli import console

        s = get_settings()
        table = Table("setting", "value", title=f"placehub {__version__}")
        table.add_row("home (PLACEHUB_HOME)", str(s.home))
        table.add_row("catalogue (PLACEHUB_DATABASE_URL)", make_url(s.database_url).render_as_string())
        table.add_row("vault (PLACEHUB_VAULT)", str(s.vault_path))
        table.add_row("shared data (PLACEHUB_SHARED_DATA)", str(s.shared_data))
        table.add_row("contracts (PLACEHUB_CONTRACTS)", ", ".join(str(p) for p in s.contracts_dirs))
        console.print(table)
