"""Access.review_rows: the clerical-review door admits named records with no confirmed place, under the same
agreement, column, date, objection and audit rules as rows, and only for analysts.

World (tests/integration/_govern_helpers.py): P1 in the agreement's ward (auto), P2 placed outside (auto),
P3 inside by LSOA (reviewed), P4 waiting for match review, P5 unmatched, P6 inside (auto).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from placehub.errors import NotPermitted
from placehub.govern import IdentifierKind, add_objection, open_access
from placehub.govern.audit import entries
from placehub.store import open_catalogue
from tests.integration._govern_helpers import NHS, build_world


@pytest.fixture
def world(settings):  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    yield cat
    cat.dispose()


def _last(cat) -> dict:  # type: ignore[no-untyped-def]
    return entries(cat)[-1]


def test_unplaced_records_are_admitted_and_placed_ones_keep_to_the_geography(settings, world) -> None:  # type: ignore[no-untyped-def]
    access = open_access(world, settings, username="ana", organisation="council", purpose="p-active")
    frame = access.review_rows("shielded-list", ["patient_id", "surname"], ["P5", "P4", "P2", "P1", "X9"])
    assert frame.index.tolist() == ["P1", "P4", "P5"]  # P2 has a confirmed place outside; X9 does not exist
    assert frame.values.tolist() == [["P1", "Surname1"], ["P4", "Surname4"], ["P5", "Surname5"]]
    last = _last(world)
    assert (last["action"], last["actor"], last["outcome"], last["dataset"], last["row_count"]) == (
        "access.review_rows", "ana", "allowed", "shielded-list", 3)  # fmt: skip
    assert json.loads(last["columns"]) == ["patient_id", "surname"]
    assert json.loads(last["detail"]) == {
        "agreement": "a-active", "version": 1, "records_named": 5, "records_found": 4, "out_of_scope": 1,
        "unplaced_admitted": 2, "objections_excluded": 0}  # fmt: skip
    # rows, by contrast, keeps only records with a confirmed place in the geography
    assert access.rows("shielded-list", ["patient_id"])["patient_id"].tolist() == ["P1", "P3", "P6"]


def test_the_audit_action_names_the_showing(settings, world) -> None:  # type: ignore[no-untyped-def]
    access = open_access(world, settings, username="ana", organisation="council", purpose="p-active")
    frame = access.review_rows(
        "shielded-list", ["postcode"], ["P4"], action="match.review.show", context={"review_item": 7}
    )
    assert frame["postcode"].tolist() == ["SE6 1AA"]
    assert (_last(world)["action"], _last(world)["row_count"]) == ("match.review.show", 1)
    assert json.loads(_last(world)["detail"])["review_item"] == 7


def test_columns_outside_the_agreement_are_refused_and_audited(settings, world) -> None:  # type: ignore[no-untyped-def]
    access = open_access(world, settings, username="ana", organisation="council", purpose="p-active")
    with pytest.raises(NotPermitted) as exc:
        access.review_rows("shielded-list", ["patient_id", "nhs_number", "forename"], ["P4"])
    assert str(exc.value) == (
        "Access refused (rule: columns_not_covered) for ana at council, purpose p-active:\n"
        "  * agreement a-active v1 (p-active) does not cover:\n"
        "      - shielded-list.nhs_number\n"
        "      - shielded-list.forename\n"
        "    Ask the SRO to amend the agreement, or drop these columns."
    )
    last = _last(world)
    assert (last["action"], last["outcome"], last["rule"]) == ("access.rows", "denied", "columns_not_covered")
    with pytest.raises(NotPermitted) as exc:
        access.review_rows("food-support", ["client_ref"], ["F1"])
    assert "rule: dataset_not_covered" in str(exc.value)


def test_partner_workers_may_not_review_unplaced_records(settings, world) -> None:  # type: ignore[no-untyped-def]
    partner = open_access(world, settings, username="pat", organisation="food-network", purpose="p-active")
    with pytest.raises(NotPermitted) as exc:
        partner.review_rows("shielded-list", ["patient_id"], ["P4"])
    assert str(exc.value) == (
        "Access refused (rule: review_role) for pat at food-network, purpose p-active:\n"
        "  * the role 'partner_worker' may not review records without a confirmed place "
        "(only: analyst, ig_officer)"
    )
    last = _last(world)
    assert (last["actor"], last["outcome"], last["rule"], last["dataset"]) == (
        "pat", "denied", "review_role", "shielded-list")  # fmt: skip


def test_dates_are_checked_again_at_each_read(settings, world) -> None:  # type: ignore[no-untyped-def]
    access = open_access(world, settings, username="ana", organisation="council", purpose="p-active")
    later = replace(access, today=date.today() + timedelta(days=400))  # past the agreement's end
    with pytest.raises(NotPermitted) as exc:
        later.review_rows("shielded-list", ["patient_id"], ["P4"])
    assert "rule: agreement_expired" in str(exc.value)
    assert (_last(world)["outcome"], _last(world)["rule"]) == ("denied", "agreement_expired")


def test_objectors_are_withheld(settings, world) -> None:  # type: ignore[no-untyped-def]
    add_objection(world, settings.keys_dir, IdentifierKind.NHS_NUMBER, NHS["P4"], recorded_by="ig")
    access = open_access(world, settings, username="ana", organisation="council", purpose="p-active")
    frame = access.review_rows("shielded-list", ["patient_id"], ["P4", "P5"])
    assert frame["patient_id"].tolist() == ["P5"]
    assert json.loads(_last(world)["detail"])["objections_excluded"] == 1
