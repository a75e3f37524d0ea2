"""User-facing errors.

Anything a council analyst can fix (a bad file, a missing contract, a refused access) raises a subclass
of ``PlacehubUserError``: the CLI prints its message without a traceback and exits with its ``exit_code``;
the web app maps it to ``http_status``. Any other exception is a bug and keeps its traceback.
"""


class PlacehubUserError(Exception):
    exit_code = 1
    http_status = 400


class NotFound(PlacehubUserError):
    exit_code = 3
    http_status = 404


class NotPermitted(PlacehubUserError):
    """An access refused by an agreement, a role or a scope. The message names the rule that refused."""

    exit_code = 4
    http_status = 403


class ContractError(PlacehubUserError):
    """A contract file is missing, malformed or inconsistent."""


class LoadError(PlacehubUserError):
    """A delivered file cannot be loaded at all (empty, unreadable, wrong shape). Nothing was written."""
