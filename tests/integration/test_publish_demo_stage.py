"""The demo's publish stage degrades clearly: each definition the vault cannot feed is named, with why."""

from __future__ import annotations

from placehub.govern import Role, add_organisation, add_user
from placehub.publish import publish_demo
from placehub.settings import Settings
from placehub.store import open_catalogue
from tests.integration._publish_helpers import build_gazetteer


def test_publish_demo_names_what_it_could_not_publish(settings: Settings) -> None:
    catalogue = open_catalogue(settings.database_url)
    add_organisation(catalogue, "council", "Demo Borough Council")
    add_user(catalogue, "priya", "council", Role.ANALYST, None)
    add_user(catalogue, "sam", "council", Role.IG_OFFICER, None)
    catalogue.dispose()
    build_gazetteer(settings)  # a gazetteer only: no agreements, sources, index, cases or outcomes
    summary = publish_demo(settings, export_to=settings.home / "open-data")
    assert summary.published == []
    assert [(name, why.split(":")[0]) for name, why in summary.skipped] == [
        ("cases-by-lsoa-by-week", "No outbreak cases are in the vault (table outbreak_cases)"),
        ("contacted-within-3-days-by-ward", "Access refused (rule"),
        ("food-support-referrals-by-ward", "Access refused (rule"),
        ("shielding-cohort-by-lsoa", "Access refused (rule"),
        ("shielding-cohort-by-ward", "Access refused (rule"),
        ("spi-by-lsoa", "No index has been built yet (the vault has no index_values)"),
    ]
    assert summary.lines()[-1] == ("export", str(settings.home / "open-data"))
