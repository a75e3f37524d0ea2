"""Cohort definitions: the packaged ones are valid; a bad one is refused with every problem listed."""

from __future__ import annotations

import pytest

from placehub.act.rules import (
    InvalidCohort,
    available_cohorts,
    load_definition,
    parse_definition,
    proxy_register,
)

BAD = """
name: wrong-name
version: 0
title: A bad cohort
purpose: shielding-support
unit: street
population: {rule: on-list, says: On the list, source: shielded-list}
conditions:
  - {rule: gone, kind: not_in_source, says: Not elsewhere}
  - {rule: on-list, kind: teleported, says: Beamed up}
priority:
  - {rule: old, kind: age_at_least, years: 75, column: DATE_OF_BIRTH, says: Old}
worklist: {source: adult-social-care, columns: [CLIENT_ID]}
proxies:
  - {name: Being on a list, stands_for: need, rule: on-list}
"""


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(InvalidCohort) as err:
        parse_definition(BAD, "bad")
    assert err.value.problems == [
        "name 'wrong-name' differs from the file name 'bad'",
        "version must be a whole number from 1 (raise it whenever the rules change)",
        "unit 'street' must be one of: person, household",
        "conditions/0 (gone): kind 'not_in_source' needs 'source'",
        "conditions/1 (on-list): unknown kind 'teleported'; choose one of: not_in_source, "
        "not_at_classification, not_deceased, no_successful_contact, not_known_connected",
        "priority/0 (old): a priority factor needs a positive number 'weight'",
        "worklist: source 'adult-social-care' must be the population's source 'shielded-list'",
        "proxies/0: missing rationale (a proxy must say why it is fair)",
    ]


def test_packaged_definitions(settings) -> None:  # type: ignore[no-untyped-def]
    assert available_cohorts(settings) == ["digital-inclusion", "shielding-support"]
    shielding = load_definition(settings, "shielding-support")
    assert (shielding.purpose, shielding.unit, shielding.escalate_after_days) == (
        "shielding-support",
        "person",
        3,
    )
    assert [f.rule for f in shielding.conditions] == [
        "not-known-to-adult-social-care", "not-in-a-care-home", "alive", "not-yet-contacted",
    ]  # fmt: skip
    assert [(f.rule, f.weight) for f in shielding.priority] == [
        ("lives-alone", 3.0), ("aged-75-or-over", 2.0), ("no-phone-number", 2.0),
        ("earlier-unreachable", 1.0),
    ]  # fmt: skip


def test_proxies_are_named_for_the_register(settings) -> None:  # type: ignore[no-untyped-def]
    assert [(p["cohort"], p["rule"], p["name"]) for p in proxy_register(settings)] == [
        ("digital-inclusion", "children-on-free-school-meals", "Free school meals eligibility"),
        ("digital-inclusion", "food-support-referral", "Referral to the food network"),
    ]
    assert all(p["rationale"] and p["stands_for"] for p in proxy_register(settings))


def test_a_home_folder_definition_overrides_the_packaged_one(settings) -> None:  # type: ignore[no-untyped-def]
    text = load_definition(settings, "shielding-support").text.replace("version: 1", "version: 2")
    (settings.home / "cohorts").mkdir()
    (settings.home / "cohorts" / "shielding-support.yaml").write_text(text, encoding="utf-8")
    assert load_definition(settings, "shielding-support").ref == "shielding-support v2"
