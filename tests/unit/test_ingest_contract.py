"""Contracts are checked whole when read; every problem is named at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placehub.errors import ContractError
from placehub.ingest.contract import Contract, contract_from_file, list_contracts, load_contract
from placehub.settings import PACKAGED_CONTRACTS, Settings


def test_a_good_contract() -> None:
    c = Contract.from_dict(
        {
            "name": "people",
            "schema": {
                "fields": [
                    {"name": "id", "type": "string", "constraints": {"required": True}},
                    {"name": "dob", "type": "date", "format": "uk", "title": "Birth date"},
                    {"name": "line1", "type": "string"},
                    {"name": "line2", "type": "string"},
                ],
                "primaryKey": "id",
            },
            "roles": {"record_id": "id", "dob": "dob", "address": ["line1", "line2"]},
        }
    )
    assert (c.name, c.kind, c.field_names, c.primary_key) == (
        "people",
        "source",
        ("id", "dob", "line1", "line2"),
        ("id",),
    )
    assert c.roles == {"record_id": ("id",), "dob": ("dob",), "address": ("line1", "line2")}
    assert (c.label("dob"), c.label("line1"), c.label("id")) == ("date of birth", "line1", "record id")
    assert (c.format.type, c.format.encoding, c.format.header_row, c.format.delimiter) == (
        "auto",
        "auto",
        1,
        None,
    )


def test_every_problem_is_listed() -> None:
    with pytest.raises(ContractError) as info:
        Contract.from_dict(
            {
                "name": "Bad Name",
                "kind": "feed",
                "format": {"type": "ods", "header_row": 0, "delimiter": ";;", "encoding": "klingon"},
                "schema": {
                    "fields": [
                        {"name": "id", "type": "strng"},
                        {"name": "ID", "type": "string"},
                        {"name": "d", "type": "date", "format": "dd/mm"},
                        {"name": "p", "type": "string", "constraints": {"pattern": "("}},
                    ]
                },
                "roles": {"nhs": "id", "address": ["id", "nope"], "surname": ["id"]},
            },
            name="bad",
        )
    assert str(info.value) == "\n".join(
        [
            "contract 'bad' is not a valid contract:",
            "  * name 'Bad Name' must be lower case letters, digits, '-' or '_'",
            "  * the file is named for 'bad' but its \"name\" is 'Bad Name'",
            "  * kind 'feed' must be one of: source, gazetteer",
            '  * schema: field type "strng" is not supported',
            "  * schema fields 'id' and 'ID' differ only in case",
            "  * field 'd': date format 'dd/mm' must be default, any, uk or a %-pattern",
            "  * field 'p': pattern '(' is not a regular expression: "
            "missing ), unterminated subpattern at position 0",
            "  * role 'nhs' is not a source role (roles: record_id, nhs_number, first_name, middle_name, "
            "surname, full_name, dob, sex, address, postcode, uprn, phone, email, shared_id, date_of_death, "
            "household_id)",
            "  * role 'address' names column 'nope', which is not in the schema",
            "  * role 'surname' names one column, not a list",
            "  * format.type 'ods' must be one of: auto, csv, xlsx",
            "  * format.header_row must be a whole number from 1",
            "  * format.delimiter must be one character (or null to detect it)",
            "  * format.encoding 'klingon' is not an encoding Python knows",
        ]
    )


def test_a_gazetteer_contract_needs_a_uprn_and_an_address() -> None:
    with pytest.raises(ContractError) as info:
        Contract.from_dict(
            {
                "name": "g",
                "kind": "gazetteer",
                "repeated_uprns": "sometimes",
                "schema": {"fields": [{"name": "a"}]},
            }
        )
    assert str(info.value).splitlines()[1:] == [
        "  * a gazetteer contract needs a 'uprn' role",
        "  * a gazetteer contract needs an 'address' role or address components (street, …)",
        "  * repeated_uprns must be one of: reject, keep, first",
    ]


def test_contract_file_that_is_not_json(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('{"name": "x",\n "schema": }', encoding="utf-8")
    with pytest.raises(ContractError) as info:
        contract_from_file(p)
    assert str(info.value) == f"{p} is not valid JSON: line 2 column 12: Expecting value"


def test_missing_contract_names_where_it_looked(settings: Settings) -> None:
    with pytest.raises(ContractError) as info:
        load_contract(settings, "housing-benefit")
    dirs = settings.contracts_dirs
    assert str(info.value) == "No contract for source 'housing-benefit': looked in " + ", ".join(
        map(str, dirs)
    )


def test_a_home_contract_wins_over_a_shipped_one(settings: Settings) -> None:
    d = settings.home / "contracts"
    d.mkdir(parents=True, exist_ok=True)
    shipped = json.loads((PACKAGED_CONTRACTS / "merthyr-gazetteer.json").read_text(encoding="utf-8"))
    (d / "merthyr-gazetteer.json").write_text(json.dumps({**shipped, "title": "local"}), encoding="utf-8")
    assert load_contract(settings, "merthyr-gazetteer").title == "local"
    assert list_contracts(settings)["merthyr-gazetteer"] == d / "merthyr-gazetteer.json"


@pytest.mark.parametrize("name", sorted(p.stem for p in PACKAGED_CONTRACTS.glob("*.json")))
def test_every_shipped_contract_is_valid(name: str) -> None:
    c = contract_from_file(PACKAGED_CONTRACTS / f"{name}.json")
    assert c.name == name
