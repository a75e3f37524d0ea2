"""The demo agreements (shielding support, digital inclusion) are valid against the demo sources' columns."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from placehub.govern import ContractLookup, validate_file
from placehub.govern.demo import set_up_demo_governance
from placehub.govern.people import list_organisations
from placehub.govern.register import register_data
from placehub.settings import PACKAGED_CONTRACTS
from placehub.store import open_catalogue

AGREEMENTS = Path(__file__).resolve().parents[2] / "placehub" / "govern" / "agreements"
DEMO_SOURCES = ("shielded-list", "adult-social-care", "food-support", "free-school-meals")
# The demo partner files' headers (placehub/demo/partners.py, food_support.py), used when the packaged
# contracts
# for these sources are not there to check against.
DEMO_HEADERS = {
    "shielded-list": [
        "SPL_ROW_ID",
        "NHS_NUMBER",
        "TITLE",
        "FORENAME",
        "MIDDLE_NAME",
        "SURNAME",
        "DATE_OF_BIRTH",
        "ADDRESS_LINE_1",
        "ADDRESS_LINE_2",
        "ADDRESS_LINE_3",
        "ADDRESS_LINE_4",
        "ADDRESS_LINE_5",
        "POSTCODE",
        "PHONE",
        "GP_PRACTICE_CODE",
    ],
    "adult-social-care": [
        "CLIENT_ID",
        "NHS_NUMBER",
        "TITLE",
        "FIRST_NAME",
        "LAST_NAME",
        "DATE_OF_BIRTH",
        "GENDER",
        "ADDRESS_LINE_1",
        "ADDRESS_LINE_2",
        "TOWN",
        "POSTCODE",
        "UPRN",
        "SERVICE_TYPE",
        "START_DATE",
        "TELEPHONE",
    ],
    "free-school-meals": [
        "PUPIL_ID",
        "CHILD_FORENAME",
        "CHILD_SURNAME",
        "CHILD_DOB",
        "YEAR_GROUP",
        "SCHOOL",
        "PARENT_NAME",
        "ADDRESS",
        "POSTCODE",
        "ELIGIBILITY_NOTE",
    ],
    "food-support": [
        "Referral ID",
        "Date referred",
        "Client name",
        "Date of birth",
        "Address",
        "Postcode",
        "Phone",
        "Household size",
        "Need",
        "Referred by",
        "Notes",
    ],
}


@pytest.fixture
def contracts(tmp_path: Path) -> ContractLookup:
    if all((PACKAGED_CONTRACTS / f"{s}.json").is_file() for s in DEMO_SOURCES):
        return ContractLookup([PACKAGED_CONTRACTS])
    for source, header in DEMO_HEADERS.items():
        contract = {"name": source, "schema": {"fields": [{"name": h, "type": "string"} for h in header]}}
        (tmp_path / f"{source}.json").write_text(json.dumps(contract))
    return ContractLookup([tmp_path])


def test_demo_agreements_are_valid(contracts: ContractLookup) -> None:
    found = {p.stem: validate_file(p, contracts) for p in sorted(AGREEMENTS.glob("*.yaml"))}
    assert {k: (a.purpose, sorted(d.source for d in a.datasets)) for k, a in found.items()} == {
        "digital-inclusion": ("digital-inclusion", ["food-support", "free-school-meals"]),
        "shielding-support": ("shielding-support", ["adult-social-care", "food-support", "shielded-list"]),
    }
    parties = set().union(*({p.organisation for p in a.parties} for a in found.values()))
    assert parties == {"council", "nhs", "food-network", "good-neighbours", "digital-charity", "schools"}


def test_demo_register_lists_both(catalogue_url: str, contracts: ContractLookup, settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    demo_settings = dataclasses.replace(settings, contracts_dirs=contracts.dirs)
    first = set_up_demo_governance(cat, demo_settings)
    again = set_up_demo_governance(cat, demo_settings)  # idempotent: nothing new
    assert (
        [(a.id, a.version) for a in first.agreements]
        == [(a.id, a.version) for a in again.agreements]
        == [("digital-inclusion", 1), ("shielding-support", 1)]
    )
    assert sorted(o for o, _, _ in list_organisations(cat)) == sorted(first.organisations)
    data = register_data(cat)
    assert [(a["title"], a["review"]) for a in data["agreements"]] == [
        ("Devices and data for families and older residents at risk of digital exclusion", "2027-03-01"),
        ("Shielding support for clinically extremely vulnerable residents", "2027-03-31"),
    ]
    assert data["audit_head"]["entries"] == 2
    cat.dispose()


def test_the_council_may_review_every_address_it_matches() -> None:
    """Match review shows a record's whole address (every column of the contract's address and postcode
    roles); an agreement covering only some lines refused the demo's analysts every review page."""
    contracts = ContractLookup([PACKAGED_CONTRACTS])
    agreement = validate_file(AGREEMENTS / "shielding-support.yaml", contracts)
    for source in ("shielded-list", "adult-social-care"):
        roles = json.loads((PACKAGED_CONTRACTS / f"{source}.json").read_text())["roles"]
        columns = [*roles["address"], roles["postcode"]]
        assert agreement.missing_items("council", source, columns) == [], source
