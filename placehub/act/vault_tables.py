"""The act tables in the vault: cohort members (with why they are in) and their assignments to partners.

``cohort_members`` keeps everyone a cohort has ever included (``state``: open, contacted, left), so coverage
can count those reached as well as those waiting. ``cohort_assignments`` keeps the history of who works
whom; the govern ``assignments`` table (which the access path reads) holds the current record-level grants.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb

from placehub.govern import ensure_assignments
from placehub.store import Vault

MEMBERS_DDL = """
create table if not exists cohort_members (
    cohort varchar not null, member_id varchar not null, pseudonym varchar not null, unit varchar not null,
    household_id varchar, uprn varchar, ward varchar, lsoa varchar, priority double not null,
    reasons json not null, records json not null, state varchar not null, left_reason varchar,
    first_included_at timestamp not null, last_build_id integer not null, updated_at timestamp not null,
    primary key (cohort, member_id))
"""
ASSIGNMENTS_DDL = """
create table if not exists cohort_assignments (
    cohort varchar not null, member_id varchar not null, organisation varchar not null, service_id varchar,
    assigned_at timestamp not null, ended_at timestamp, assigned_by varchar not null, reason varchar)
"""

OPEN, CONTACTED, LEFT = "open", "contacted", "left"


def ensure_act_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MEMBERS_DDL)
    con.execute(ASSIGNMENTS_DDL)
    ensure_assignments(con)


@contextlib.contextmanager
def connection(vault: Vault, con: duckdb.DuckDBPyConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The caller's connection when given (many calls, one connection), else a new one closed afterwards."""
    if con is not None:
        yield con
        return
    with vault.connect() as own:
        yield own
