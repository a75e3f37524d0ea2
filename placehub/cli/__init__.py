"""The ``placehub`` command. Each module here registers its commands; they parse, call one function, print.

Commands hold no logic: whatever they call is importable and tested without the CLI.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer
from rich.console import Console, ConsoleDimensions

from placehub.errors import PlacehubUserError

app = typer.Typer(
    name="placehub",
    help="Reconcile, share with purpose, act on and open up a place's data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class _Console(Console):
    """Rich reads COLUMNS once, when a console is made; the CLI's consoles are made at import and then used by
    many commands (tests, long-lived processes), so they look at the terminal afresh each time they print."""

    @property
    def size(self) -> ConsoleDimensions:  # type: ignore[override]
        self._width = self._height = None
        return Console.size.fget(self)  # type: ignore[attr-defined]


console = _Console(soft_wrap=True)  # a message is one line however narrow the terminal: paths stay whole
err_console = _Console(stderr=True, soft_wrap=True)


@app.callback()
def _root() -> None:
    """Reconcile, share with purpose, act on and open up a place's data."""


for _mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}").register(app)


def main() -> None:
    """Entry point: user errors print as one clear message, without a traceback."""
    import logging
    import os

    # Splink narrates its model training at length; PLACEHUB_VERBOSE=1 brings the narration back.
    if os.environ.get("PLACEHUB_VERBOSE"):
        logging.basicConfig(format="%(message)s")
        logging.getLogger("splink").setLevel(logging.INFO)
    else:
        logging.getLogger("splink").setLevel(logging.ERROR)
    try:
        app()
    except PlacehubUserError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
