"""Agreements: what is refused and the exact words used, as a table; versions; the agreement CLI."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from placehub.cli import app
from placehub.govern import ContractLookup, InvalidAgreement, add_agreement, get_agreement, validate_file
from placehub.govern.agreements import current_agreements, version_history
from placehub.store import open_catalogue
from tests.integration._govern_helpers import agreement_doc, write_agreement, write_contracts

Doc = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        *parents, last = path.split(".")
        target = doc
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return apply


_DELETE = object()

# case → (change to a valid agreement, every problem reported)
REFUSED: dict[str, tuple[list[Callable[[Doc], None]], list[str]]] = {
    "end before start": (
        [_set("dates", {"start": "2026-06-01", "review": "2026-06-01", "end": "2026-05-01"})],
        [
            "dates: end (2026-05-01) is before start (2026-06-01)",
            "dates: review (2026-06-01) is after end (2026-05-01): review before the agreement ends",
        ],
    ),
    "review after end": (
        [_set("dates.review", "2027-12-31")],
        ["dates: review (2027-12-31) is after end (2027-03-28): review before the agreement ends"],
    ),
    "special category without Art. 9": (
        [_set("lawful_basis", {"article_6": "public_task"})],
        [
            "datasets/shielded-list: special-category data needs a UK GDPR Art. 9 condition "
            "(lawful_basis.article_9)"
        ],
    ),
    "Art. 9(2)(h) without Schedule 1": (
        [_set("lawful_basis", {"article_6": "public_task", "article_9": "health_social_care"})],
        [
            "datasets/shielded-list: Art. 9 condition 'health_social_care' needs a DPA 2018 Schedule 1 "
            "condition (lawful_basis.schedule_1)"
        ],
    ),
    "column not in the contract": (
        [_set("datasets.0.columns", ["patient_id", "blood_group", "postcode", "religion"])],
        [
            "datasets/shielded-list: column 'blood_group' is not in the source's contract (it has: "
            "patient_id, nhs_number, forename, surname, date_of_birth, address_line_1, postcode)",
            "datasets/shielded-list: column 'religion' is not in the source's contract (it has: patient_id, "
            "nhs_number, forename, surname, date_of_birth, address_line_1, postcode)",
        ],
    ),
    "source without a contract": (
        [_set("datasets.0.source", "housing-benefit")],
        ["datasets/housing-benefit: no contract found for source 'housing-benefit'"],
    ),
    "recipient not a party": (
        [_set("datasets.0.recipients", ["council", "schools"])],
        ["datasets/shielded-list: recipient 'schools' is not a party with the role 'recipient'"],
    ),
    "provider not providing": (
        [_set("datasets.0.provider", "food-network")],
        ["datasets/shielded-list: provider 'food-network' is not a party with the role 'provider'"],
    ),
    "proxy without rationale": (
        [_set("proxies", [{"name": "free school meals", "stands_for": "household low income"}])],
        [
            "proxies/0: proxy 'free school meals' (for household low income) has no rationale: "
            "say why it is a fair stand-in"
        ],
    ),
    "no geography": (
        [_set("geography", {})],
        ["geography: give wards, lsoas or whole_place: true (no scope means no rows)"],
    ),
    "several at once": (
        [
            _set("dates.review", "2027-12-31"),
            _set("datasets.0.recipients", ["schools"]),
            _set("sro.organisation", "somebody"),
        ],
        [
            "dates: review (2027-12-31) is after end (2027-03-28): review before the agreement ends",
            "datasets/shielded-list: recipient 'schools' is not a party with the role 'recipient'",
            "sro: organisation 'somebody' is not a party",
        ],
    ),
}

SCHEMA_REFUSED: dict[str, tuple[list[Callable[[Doc], None]], list[str]]] = {
    "missing retention": ([_set("retention", _DELETE)], ["(top level): 'retention' is a required property"]),
    "unknown Art. 6 basis": (
        [_set("lawful_basis.article_6", "because")],
        [
            "lawful_basis/article_6: 'because' is not one of ['consent', 'contract', 'legal_obligation', "
            "'vital_interests', 'public_task', 'legitimate_interests']"
        ],
    ),
    "not a date": ([_set("dates.start", "31/01/2026")], ["dates/start: '31/01/2026' is not a 'date'"]),
    "unknown field": (
        [_set("colour", "blue")],
        ["(top level): Additional properties are not allowed ('colour' was unexpected)"],
    ),
    "ward not a GSS code": (
        [_set("geography.wards", ["Catford"])],
        ["geography/wards/0: 'Catford' does not match '^[EWSN][0-9]{8}$'"],
    ),
}


def _valid() -> Doc:
    return agreement_doc(
        "shielding", "shielding-support", date(2026, 4, 1), date(2027, 3, 28), review=date(2026, 10, 1)
    )


@pytest.fixture
def contracts(tmp_path: Path) -> ContractLookup:
    write_contracts(tmp_path / "contracts")
    return ContractLookup([tmp_path / "contracts"])


@pytest.mark.parametrize("case", list(REFUSED) + list(SCHEMA_REFUSED))
def test_refused_with_every_problem(case: str, contracts: ContractLookup, tmp_path: Path) -> None:
    changes, problems = {**REFUSED, **SCHEMA_REFUSED}[case]
    doc = copy.deepcopy(_valid())
    for change in changes:
        change(doc)
    path = write_agreement(tmp_path / "a", doc)
    with pytest.raises(InvalidAgreement) as exc:
        validate_file(path, contracts)
    assert exc.value.problems == problems
    assert str(exc.value).startswith(f"Agreement {path} was refused ({len(problems)} problem(s)):\n  * ")


def test_valid_agreement_reads_as_typed_terms(contracts: ContractLookup, tmp_path: Path) -> None:
    a = validate_file(write_agreement(tmp_path, _valid()), contracts)
    assert (a.id, a.purpose, a.start, a.review, a.end, a.retention_deadline()) == (
        "shielding",
        "shielding-support",
        date(2026, 4, 1),
        date(2026, 10, 1),
        date(2027, 3, 28),
        date(2027, 6, 26),
    )
    assert [(d.source, d.columns, d.recipients) for d in a.datasets] == [
        ("shielded-list", ("patient_id", "surname", "postcode"), ("council", "food-network"))
    ]


def test_changed_file_makes_a_new_version(
    catalogue_url: str, contracts: ContractLookup, tmp_path: Path
) -> None:
    cat = open_catalogue(catalogue_url)
    path = write_agreement(tmp_path, _valid())
    first = add_agreement(cat, path, contracts, added_by="ig")
    same = add_agreement(cat, path, contracts, added_by="ig")
    doc = _valid()
    doc["datasets"][0]["columns"] = ["patient_id", "postcode"]
    write_agreement(tmp_path, doc)
    second = add_agreement(cat, path, contracts, added_by="ig")
    assert [(r.agreement.version, r.new_version) for r in (first, same, second)] == [
        (1, True),
        (1, False),
        (2, True),
    ]
    assert get_agreement(cat, "shielding").datasets[0].columns == ("patient_id", "postcode")
    assert get_agreement(cat, "shielding", 1).datasets[0].columns == ("patient_id", "surname", "postcode")
    assert [(v, by) for v, _, by, _ in version_history(cat, "shielding")] == [(1, "ig"), (2, "ig")]
    assert [(a.id, a.version) for a in current_agreements(cat)] == [("shielding", 2)]
    cat.dispose()


def test_agreement_cli(settings) -> None:  # type: ignore[no-untyped-def]
    write_contracts(settings.home / "contracts")
    path = write_agreement(settings.home / "a", _valid())
    runner = CliRunner(env={"COLUMNS": "200"})
    ok = runner.invoke(app, ["agreement", "validate", str(path)])
    assert (ok.exit_code, ok.output.strip()) == (
        0,
        "Valid: shielding — Test agreement shielding (shielding-support, 2026-04-01 to 2027-03-28)",
    )
    added = runner.invoke(app, ["agreement", "add", str(path)])
    assert (added.exit_code, added.output.strip()) == (0, "Added: shielding version 1 (shielding-support)")
    listed = runner.invoke(app, ["agreement", "list"])
    assert "shielding-support" in listed.output and "shielded-list" in listed.output
    shown = runner.invoke(app, ["agreement", "show", "shielding"])
    assert "shielded-list from nhs to council, food-network: patient_id, surname, postcode" in shown.output
    bad = copy.deepcopy(_valid())
    bad["dates"]["review"] = "2028-01-01"
    refused = runner.invoke(app, ["agreement", "validate", str(write_agreement(settings.home / "b", bad))])
    assert isinstance(refused.exception, InvalidAgreement)
    missing = runner.invoke(app, ["agreement", "show", "nope"])
    assert str(missing.exception) == "No agreement 'nope': see `placehub agreement list`."
