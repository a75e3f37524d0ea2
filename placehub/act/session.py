"""The access a command-line user acts under: an API token (``PLACEHUB_TOKEN``) or ``PLACEHUB_USER``.

With a token, the purpose is the token's; it must be the one asked for. Without one, the user named by
``PLACEHUB_USER`` acts for their own organisation (or the one given, which ``open_access`` then checks).
Either way ``open_access`` decides and audits.
"""

from __future__ import annotations

import os
from datetime import date

from placehub.errors import NotFound, NotPermitted
from placehub.govern import Access, AuditEvent, access_from_token, append, open_access
from placehub.govern.people import get_user
from placehub.settings import Settings
from placehub.store import Catalogue


def user_access(
    catalogue: Catalogue,
    settings: Settings,
    purpose: str,
    *,
    organisation: str | None = None,
    today: date | None = None,
) -> Access:
    token = os.environ.get("PLACEHUB_TOKEN")
    if token:
        access = access_from_token(catalogue, settings, token, today=today)
        if access.purpose != purpose:
            raise NotPermitted(
                f"The API token is for the purpose '{access.purpose}', not '{purpose}': use a token for "
                f"'{purpose}'."
            )
        if organisation and access.organisation != organisation:
            raise NotPermitted(
                f"The API token acts for '{access.organisation}', not '{organisation}' (rule: not_member)."
            )
        return access
    org = organisation
    if org is None:
        try:
            org = get_user(catalogue, settings.user).organisation
        except NotFound:
            org = ""  # open_access refuses (unknown_user) and audits the attempt
    return open_access(
        catalogue, settings, username=settings.user, organisation=org, purpose=purpose, today=today
    )


def audit_cohort(access: Access, action: str, outcome: str, cohort: str, rows: int, **fields: object) -> None:
    """One audit entry for an act of ``access`` on a cohort (``detail`` always names the cohort)."""
    detail = {"cohort": cohort, **fields.pop("detail", {})}  # type: ignore[dict-item]
    append(
        access.catalogue,
        AuditEvent(
            action,
            access.user.username,
            outcome,
            organisation=access.organisation,
            purpose=access.purpose,
            dataset=f"cohort:{cohort}",
            row_count=rows,
            detail=detail,
            **fields,  # type: ignore[arg-type]
        ),
    )
