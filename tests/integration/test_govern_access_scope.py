"""Scope of Access.rows: only the current load, only confirmed places; partner rows need assignments."""

from __future__ import annotations

import json

import duckdb

from placehub.govern import open_access
from placehub.govern.audit import entries
from placehub.store import open_catalogue
from tests.integration._govern_helpers import NHS, build_world


def _detail(cat) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(entries(cat)[-1]["detail"])


def test_only_the_current_load_is_read(settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    con = duckdb.connect(str(settings.vault_path))
    # A newer load (3) of the shielded list supersedes load 1 and holds P1 only (as ingest's view has it).
    con.execute("create table loads (load_id bigint, source varchar, kind varchar)")
    con.execute(
        "insert into loads values (1, 'shielded-list', 'source'), (2, 'food-support', 'source'), "
        "(3, 'shielded-list', 'source')"
    )
    con.execute(
        "create view current_records as select r.* from records r join (select source, max(load_id) load_id "
        "from loads where kind = 'source' group by source) c on r.source = c.source and r.load_id = c.load_id"
    )
    con.execute(
        "insert into raw_shielded_list values ('P1', ?, 'F', 'S', date '1950-01-01', 'x', 'SE6 1AA', 3, 1)",
        [NHS["P1"]],
    )
    con.execute(
        "insert into records (source, load_id, row_number, record_id, nhs_number) "
        "values ('shielded-list', 3, 1, 'P1', ?)",
        [NHS["P1"]],
    )
    con.execute(
        "insert into matches (source, load_id, record_id, uprn, status) "
        "values ('shielded-list', 3, 'P1', '100000000001', 'auto')"
    )
    con.close()
    access = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    assert access.rows("shielded-list", ["patient_id"])["patient_id"].tolist() == ["P1"]
    assert _detail(cat)["rows_in_source"] == 1
    cat.dispose()


def test_without_matches_no_record_has_a_place(settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    con = duckdb.connect(str(settings.vault_path))
    con.execute("drop table matches")
    con.execute("drop table assignments")
    con.close()
    analyst = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    assert len(analyst.rows("shielded-list", ["patient_id"])) == 0
    assert (_detail(cat)["rows_in_source"], _detail(cat)["out_of_scope"]) == (6, 6)
    con = duckdb.connect(str(settings.vault_path))
    assert con.execute("select count(*) from assignments").fetchone() == (0,)  # created, empty, for act
    con.close()
    cat.dispose()


def test_partner_worker_without_assignments_sees_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    con = duckdb.connect(str(settings.vault_path))
    con.execute("delete from assignments where purpose = 'p-active'")
    con.close()
    partner = open_access(cat, settings, username="pat", organisation="food-network", purpose="p-active")
    assert len(partner.rows("shielded-list", ["patient_id"])) == 0
    assert (_detail(cat)["out_of_scope"], _detail(cat)["not_assigned"]) == (3, 3)
    cat.dispose()


def test_person_id_leaves_only_as_a_pseudonym_and_person_objections_apply(settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from placehub.govern import IdentifierKind, add_agreement, add_objection, pseudonym
    from placehub.govern.agreement import ContractLookup
    from tests.integration._govern_helpers import agreement_doc, write_agreement

    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    con = duckdb.connect(str(settings.vault_path))
    con.execute(
        "create table person_records (source varchar, record_id varchar, unique_id varchar, "
        "person_id varchar, uprn varchar, run_id integer)"
    )
    for pid in ("P1", "P3", "P6"):
        con.execute(
            "insert into person_records values ('shielded-list', ?, ?, ?, null, 1)",
            [pid, f"shielded-list|{pid}", f"person-{pid}"],
        )
    con.close()
    today = date.today()
    doc = agreement_doc("a-persons", "p-persons", today - timedelta(days=1), today + timedelta(days=30))
    doc["datasets"][0]["columns"] = ["patient_id", "person_id"]
    add_agreement(
        cat,
        write_agreement(settings.home / "agreements", doc),
        ContractLookup(settings.contracts_dirs),
        added_by="ig",
    )
    add_objection(cat, settings.keys_dir, IdentifierKind.PERSON_ID, "person-P3", recorded_by="ig")
    access = open_access(cat, settings, username="ana", organisation="council", purpose="p-persons")
    frame = access.rows("shielded-list", ["patient_id", "person_id"])
    assert frame.values.tolist() == [
        ["P1", pseudonym(settings.keys_dir, "p-persons", "person-P1")],
        ["P6", pseudonym(settings.keys_dir, "p-persons", "person-P6")],
    ]
    assert _detail(cat)["objections_excluded"] == 1
    cat.dispose()


def test_a_provider_that_is_not_a_recipient_gets_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from placehub.errors import NotPermitted
    from placehub.govern import Role, add_user

    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    add_user(cat, "nina", "nhs", Role.ANALYST, None)
    with pytest.raises(NotPermitted) as exc:
        open_access(cat, settings, username="nina", organisation="nhs", purpose="p-active")
    assert str(exc.value) == (
        "Access refused (rule: not_recipient) for nina at nhs, purpose p-active:\n"
        "  * 'nhs' is not a recipient party of a-active v1"
    )
    cat.dispose()
