"""``placehub serve``: the web app on this machine (loopback by default)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
        port: int = typer.Option(8000, help="Port to listen on."),
    ) -> None:
        """Serve the web app: dashboard, loads, match review, maps and the public register."""
        import uvicorn

        from placehub.cli import console
        from placehub.cli._common import settings
        from placehub.web.app import create_app

        app_ = create_app(settings())
        console.print(f"placehub is being served at [bold]http://{host}:{port}/[/] (Ctrl+C stops it)")
        uvicorn.run(app_, host=host, port=port, log_level="warning")
