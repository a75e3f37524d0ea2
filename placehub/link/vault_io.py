"""Vault reads and writes for linkage: the records to link (roles + matched UPRN) and the link tables.

Link tables (DuckDB): ``person_records`` (source, record_id) → person_id; ``persons``; ``households``;
``link_review_pairs`` (uncertain pairs awaiting a clerical decision). Ids only: no names leave here.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from placehub.errors import PlacehubUserError
from placehub.store import Vault


class NothingToLink(PlacehubUserError):
    """The vault has no current records to link yet."""


# The person roles the linkage reads from ``records`` (every role but the UPRN, which comes from matching).
LINK_ROLES = (
    "first_name", "middle_name", "surname", "full_name", "dob", "sex", "nhs_number", "address", "postcode",
    "phone", "email", "shared_id",
)  # fmt: skip


def role_select(con: duckdb.DuckDBPyConnection) -> str:
    """The select list for ``current_records r``: a role column a vault made before that role existed lacks
    (it gains it at its next load) reads as NULL."""
    have = {row[0] for row in con.execute("select column_name from (describe current_records)").fetchall()}
    roles = ", ".join(f"r.{c}" if c in have else f"null::varchar as {c}" for c in LINK_ROLES)
    return f"r.source || '|' || r.record_id as unique_id, r.source, r.record_id, {roles}"


PERSON_RECORDS_DDL = """
create table if not exists person_records (
    source varchar, record_id varchar, unique_id varchar primary key, person_id varchar, uprn varchar,
    run_id integer)
"""
PERSONS_DDL = """
create table if not exists persons (
    person_id varchar primary key, uprn varchar, household_id varchar, records integer, sources integer,
    run_id integer)
"""
HOUSEHOLDS_DDL = (
    "create table if not exists households (household_id varchar primary key, uprn varchar, size integer)"
)
REVIEW_DDL = """
create table if not exists link_review_pairs (
    pair_id integer, unique_id_l varchar, unique_id_r varchar, match_probability double, match_weight double,
    person_id_l varchar, person_id_r varchar, run_id integer)
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in (PERSON_RECORDS_DDL, PERSONS_DDL, HOUSEHOLDS_DDL, REVIEW_DDL):
        con.execute(ddl)


def records_frame(vault: Vault, con: duckdb.DuckDBPyConnection, source: str | None = None) -> pd.DataFrame:
    """Current records (optionally of one source) with the UPRN matching decided (auto or reviewed), falling
    back to a UPRN the partner supplied."""
    if not vault.has_table(con, "current_records"):
        raise NothingToLink("No records to link: load a source first (placehub ingest load …).")
    if vault.has_table(con, "matches"):
        uprn_join = """
            left join (
                select source, load_id, record_id, any_value(uprn order by matched_at desc) as uprn
                from matches where status in ('auto', 'reviewed') and uprn is not null
                group by source, load_id, record_id
            ) m on m.source = r.source and m.load_id = r.load_id and m.record_id = r.record_id
        """
        uprn = "coalesce(m.uprn, r.uprn_supplied)"
    else:
        uprn_join, uprn = "", "r.uprn_supplied"
    where = "where r.source = ?" if source else ""
    sql = (
        f"select {role_select(con)}, {uprn} as uprn "  # noqa: S608
        f"from current_records r {uprn_join} {where} order by unique_id"
    )
    frame = con.execute(sql, [source] if source else []).df()
    if frame.empty:
        raise NothingToLink(
            f"No current records of source {source!r} to link." if source else "No current records to link."
        )
    return frame


def previous_mapping(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    ensure_tables(con)
    return dict(con.execute("select unique_id, person_id from person_records").fetchall())


def write_people(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    person_of: dict[str, str],
    run_id: int,
    review_pairs: pd.DataFrame,
    *,
    replace_review: bool,
) -> tuple[int, int]:
    """Replace ``person_records``, ``persons``, ``households`` (and the review queue); return (people,
    households)."""
    ensure_tables(con)
    pr = pd.DataFrame(
        {
            "source": frame["source"].astype(str),
            "record_id": frame["record_id"].astype(str),
            "unique_id": frame["unique_id"].astype(str),
            "person_id": frame["unique_id"].map(person_of),
            "uprn": frame["uprn"].astype(object).where(frame["uprn"].notna(), None),
            "run_id": run_id,
        }
    )
    con.begin()
    try:
        con.execute("delete from person_records")
        con.register("pr_frame", pr)
        con.execute("insert into person_records select * from pr_frame")
        con.unregister("pr_frame")
        con.execute("delete from persons")
        # A person's UPRN: the one most of their records were matched to (ties: the smallest UPRN).
        con.execute(
            """
            insert into persons
            with u as (
                select person_id, uprn, count(*) as n from person_records where uprn is not null
                group by person_id, uprn
            ), best as (
                select person_id, arg_max(uprn, n * 1e13 - cast(uprn as double)) as uprn
                from u group by person_id
            )
            select p.person_id, b.uprn, case when b.uprn is not null then 'H' || b.uprn end,
                   count(*), count(distinct p.source), ?
            from person_records p left join best b using (person_id)
            group by p.person_id, b.uprn
            """,
            [run_id],
        )
        con.execute("delete from households")
        con.execute(
            "insert into households select household_id, any_value(uprn), count(*) from persons "
            "where household_id is not null group by household_id"
        )
        if replace_review:
            con.execute("delete from link_review_pairs")
        if not review_pairs.empty:
            rp = review_pairs.assign(run_id=run_id)[
                [
                    "pair_id",
                    "unique_id_l",
                    "unique_id_r",
                    "match_probability",
                    "match_weight",
                    "person_id_l",
                    "person_id_r",
                    "run_id",
                ]
            ]
            con.register("rp_frame", rp)
            con.execute("insert into link_review_pairs select * from rp_frame")
            con.unregister("rp_frame")
        con.commit()
    except Exception:
        con.rollback()
        raise
    people = con.execute("select count(*) from persons").fetchone()[0]  # type: ignore[index]
    households = con.execute("select count(*) from households").fetchone()[0]  # type: ignore[index]
    return int(people), int(households)
