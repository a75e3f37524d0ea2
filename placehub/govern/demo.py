"""Governance for the demo borough: its six partner organisations and its two agreements.

Call after the demo's source contracts exist (the agreements' columns are checked against them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from placehub.govern.agreement import Agreement, ContractLookup
from placehub.govern.agreements import add_agreement
from placehub.govern.people import add_organisation, list_organisations
from placehub.settings import Settings
from placehub.store import Catalogue

DEMO_AGREEMENTS = Path(__file__).resolve().parent / "agreements"
DEMO_ORGANISATIONS = (
    ("council", "Demo Borough Council", "council"),
    ("nhs", "NHS Demo Integrated Care Board", "nhs"),
    ("food-network", "Demo Community Food Network", "vcs"),
    ("good-neighbours", "Good Neighbours Befriending Scheme", "vcs"),
    ("digital-charity", "Demo Digital Inclusion Charity", "vcs"),
    ("schools", "Demo Borough Schools Partnership", "school"),
)


@dataclass(frozen=True)
class DemoGovernance:
    organisations: tuple[str, ...]
    agreements: tuple[Agreement, ...]


def set_up_demo_governance(
    catalogue: Catalogue, settings: Settings, *, added_by: str = "demo"
) -> DemoGovernance:
    """Add the demo's missing organisations and its agreements (a changed file makes a new version)."""
    have = {org_id for org_id, _, _ in list_organisations(catalogue)}
    for org_id, name, kind in DEMO_ORGANISATIONS:
        if org_id not in have:
            add_organisation(catalogue, org_id, name, kind)
    contracts = ContractLookup(settings.contracts_dirs)
    added = tuple(
        add_agreement(catalogue, path, contracts, added_by=added_by).agreement
        for path in sorted(DEMO_AGREEMENTS.glob("*.yaml"))
    )
    return DemoGovernance(tuple(o for o, _, _ in DEMO_ORGANISATIONS), added)
