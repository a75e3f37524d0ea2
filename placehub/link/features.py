"""Turn role columns into the columns the linkage model compares (DuckDB SQL; the same frame feeds Spark).

Input: a table with ``unique_id``, ``source`` and any subset of the person roles (``first_name``,
``middle_name``, ``surname``, ``full_name``, ``dob``, ``sex``, ``nhs_number``, ``address``, ``postcode``,
``uprn``, ``phone``, ``email``, ``shared_id``: another identifier the sources share, such as a National
Insurance number or a case-system id). Output: one row per record with cleaned values, a canonical first name
(nicknames), an ISO date of birth string, the NHS number only where its Modulus 11 check digit is right,
digits-only phone numbers, shared identifiers in capitals without spaces or punctuation.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from placehub.link.nicknames import nickname_map

PERSON_ROLES = (
    "first_name",
    "middle_name",
    "surname",
    "full_name",
    "dob",
    "sex",
    "nhs_number",
    "address",
    "postcode",
    "uprn",
    "phone",
    "email",
    "shared_id",
)

# Columns of the feature frame, in order. ``source_dataset`` is Splink's name for the source.
FEATURE_COLUMNS = (
    "unique_id",
    "source_dataset",
    "first_name",
    "first_name_canon",
    "surname",
    "dob",
    "sex",
    "nhs_number",
    "address",
    "postcode",
    "uprn",
    "phone",
    "email",
    "shared_id",
)


def nhs_number_valid_sql(col: str) -> str:
    """SQL that is true when ``col`` (10 digits) passes the NHS Modulus 11 check."""
    weighted = " + ".join(f"cast(substr({col}, {i}, 1) as integer) * {11 - i}" for i in range(1, 10))
    check = f"(11 - (({weighted}) % 11)) % 11"
    valid = f"regexp_full_match({col}, '[0-9]{{10}}') and {check} = try_cast(substr({col}, 10, 1) as integer)"
    return f"coalesce({valid}, false)"


def _name(col: str) -> str:
    # Letters, spaces, hyphens and apostrophes survive; anything else (digits, dots) goes.
    return f"nullif(trim(regexp_replace(upper(cast({col} as varchar)), '[^A-Z '' -]', '', 'g')), '')"


# Titles written before a name in free-text name columns ("MRS RACHEL ALLEN"); they are not first names.
TITLES = ("MR", "MRS", "MS", "MISS", "MX", "DR", "MASTER", "SIR", "DAME", "LADY", "LORD", "REV", "PROF")


def _full_name_sql(col: str) -> str:
    """A free-text full name as "FIRST [MIDDLE] SURNAME": "ALLEN, RACHEL" turned round, a leading title
    dropped, so its first word is the first name and its last word the surname."""
    text = f"trim(regexp_replace(upper(cast({col} as varchar)), '\\s+', ' ', 'g'))"
    turned = (
        f"case when {text} like '%,%' "
        f"then trim(split_part({text}, ',', 2)) || ' ' || trim(split_part({text}, ',', 1)) else {text} end"
    )
    titles = "|".join(TITLES)
    return f"nullif(trim(regexp_replace({turned}, '^({titles})\\.? +', '')), '')"


def _features_sql() -> str:
    nhs = "regexp_replace(cast(nhs_number as varchar), '[^0-9]', '', 'g')"
    phone = "regexp_replace(cast(phone as varchar), '[^0-9]', '', 'g')"
    postcode = "regexp_replace(upper(cast(postcode as varchar)), '[^A-Z0-9]', '', 'g')"
    dob_text = "trim(cast(dob as varchar))"
    address = (
        "nullif(trim(regexp_replace(regexp_replace(upper(cast(address as varchar)), '[^A-Z0-9 ]', ' ', 'g'), "
        "'\\s+', ' ', 'g')), '')"
    )
    full_name = _full_name_sql("full_name")
    last_word = f"nullif(regexp_extract({full_name}, '\\s(\\S+)$', 1), '')"
    # Every interpolated piece is a constant expression of this module, never user text.
    return f"""
    with base as (
        select
            cast(unique_id as varchar) as unique_id,
            cast(source as varchar) as source_dataset,
            coalesce({_name("first_name")}, {_name(f"split_part({full_name}, ' ', 1)")}) as first_name,
            coalesce({_name("surname")}, {_name(last_word)}) as surname,
            coalesce(
                strftime(try_cast({dob_text} as date), '%Y-%m-%d'),
                strftime(try_strptime({dob_text}, '%d/%m/%Y'), '%Y-%m-%d'),
                -- eight digits that are not a real date (a typo) still compare as text
                case when regexp_full_match({dob_text}, '[0-9]{{8}}')
                     then substr({dob_text}, 1, 4) || '-' || substr({dob_text}, 5, 2) || '-'
                          || substr({dob_text}, 7, 2) end
            ) as dob,
            case when upper(trim(cast(sex as varchar))) in ('M', 'MALE', '1') then 'M'
                 when upper(trim(cast(sex as varchar))) in ('F', 'FEMALE', '2') then 'F' end as sex,
            {nhs} as nhs_digits,
            {address} as address,
            case when length({postcode}) between 5 and 7
                 then substr({postcode}, 1, length({postcode}) - 3) || ' ' || right({postcode}, 3)
                 else nullif({postcode}, '') end as postcode,
            nullif(ltrim(regexp_replace(cast(uprn as varchar), '[^0-9]', '', 'g'), '0'), '') as uprn,
            case when {phone} like '44%' and length({phone}) = 12 then '0' || substr({phone}, 3)
                 when length({phone}) >= 6 then {phone} end as phone,
            nullif(lower(trim(cast(email as varchar))), '') as email,
            nullif(regexp_replace(upper(cast(shared_id as varchar)), '[^A-Z0-9]', '', 'g'), '') as shared_id
        from link_input
    )
    select
        b.unique_id,
        b.source_dataset,
        b.first_name,
        coalesce(n.canonical, b.first_name) as first_name_canon,
        b.surname,
        b.dob,
        b.sex,
        case when {nhs_number_valid_sql("b.nhs_digits")} then b.nhs_digits end as nhs_number,
        b.address,
        b.postcode,
        b.uprn,
        b.phone,
        b.email,
        b.shared_id
    from base b
    left join link_nicknames n on n.name = b.first_name
    """  # noqa: S608


def build_features(con: duckdb.DuckDBPyConnection, input_table: str = "link_input") -> None:
    """Create ``link_features`` in ``con`` from ``input_table`` (roles that are absent are read as NULL)."""
    present = {r[0] for r in con.execute(f"describe {input_table}").fetchall()}  # noqa: S608
    # Every role as text (a column of nulls from pandas arrives typed as INTEGER); absent roles read as NULL.
    cols = ", ".join(
        f"cast({r} as varchar) as {r}" if r in present else f"null::varchar as {r}"
        for r in ("unique_id", "source", *PERSON_ROLES)
    )
    con.execute(f"create or replace temp view link_input_all as select {cols} from {input_table}")  # noqa: S608
    names = pd.DataFrame(list(nickname_map().items()), columns=["name", "canonical"])
    con.register("link_nickname_frame", names)
    con.execute("create or replace temp table link_nicknames as select * from link_nickname_frame")
    con.unregister("link_nickname_frame")
    sql = _features_sql().replace("from link_input\n", "from link_input_all\n")
    con.execute(f"create or replace table link_features as {sql}")


def present_columns(con: duckdb.DuckDBPyConnection, table: str = "link_features") -> set[str]:
    """Feature columns that hold at least one value (the model compares only these)."""
    cols = [c for c in FEATURE_COLUMNS if c not in ("unique_id", "source_dataset")]
    counts = con.execute(
        f"select {', '.join(f'count({c})' for c in cols)} from {table}"  # noqa: S608
    ).fetchone()
    return {c for c, n in zip(cols, counts or (), strict=True) if n}
