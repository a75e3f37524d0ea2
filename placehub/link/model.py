"""The Splink model: comparisons chosen from the roles present, trained without labels, predictions as edges.

Training (no labels): the chance two random records match from deterministic rules and an assumed recall;
u by seeded random sampling; m by expectation maximisation on two blocking rules (name, then date of
birth), so every comparison gets an m estimate from a block that does not use it.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

# The one internal we build on: a level class whose SQL follows the engine's dialect (Splink has no public
# "fuzzy reversed columns" level).
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from placehub.link.config import LinkConfig

log = logging.getLogger(__name__)

# Large data: EM on a date-of-birth block alone would compare too many pairs.
LARGE_INPUT = 200_000
# Fewer household pairs than this measure too little to discount a shared phone.
MIN_HOUSEHOLD_PAIRS = 20
# Roles that name one home (a postcode names a street).
HOME_COLUMNS = ("uprn", "address")


def _null(col: str) -> cll.NullLevel:
    return cll.NullLevel(col)


class CrossedNamesLevel(ComparisonLevelCreator):
    """Names keyed into the wrong boxes, a typo allowed in each: both names swapped (``both``), or one side's
    first name is the other side's surname, or the other way round, with the other name missing, shortened or
    mistyped beyond recognition (one name crossed over)."""

    def __init__(self, *, both: bool, threshold: float = 0.88):
        self.both, self.threshold = both, threshold

    def create_sql(self, sql_dialect) -> str:  # type: ignore[no-untyped-def]
        jw, t = sql_dialect.jaro_winkler_function_name, self.threshold
        join = "and" if self.both else "or"
        return f"({jw}(first_name_l, surname_r) >= {t} {join} {jw}(surname_l, first_name_r) >= {t})"

    def create_label_for_charts(self) -> str:
        return "names swapped" if self.both else "one name crossed over"


def _counted_elsewhere(level: ComparisonLevelCreator) -> ComparisonLevelCreator:
    """A level whose evidence another comparison already counts: weight zero (m = u, both fixed), so here it
    only keeps the pair out of "different"."""
    return level.configure(
        m_probability=0.01, u_probability=0.01, fix_m_probability=True, fix_u_probability=True
    )


def first_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="first name: exact, nickname, fuzzy",
        comparison_levels=[
            _null("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.CustomLevel(
                "first_name_canon_l = first_name_canon_r", label_for_charts="same canonical name (nickname)"
            ),
            CrossedNamesLevel(both=True),
            cll.JaroWinklerLevel("first_name", 0.92),
            CrossedNamesLevel(both=False),
            cll.JaroWinklerLevel("first_name", 0.8),
            cll.ElseLevel(),
        ],
    )


def surname_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="surname: exact, fuzzy, swapped with first name",
        comparison_levels=[
            _null("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("surname", 0.92),
            # The first-name comparison counts swapped and crossed-over names; counted twice, a swap alone
            # outweighed a different date of birth, address and identifier.
            _counted_elsewhere(CrossedNamesLevel(both=True)),
            _counted_elsewhere(CrossedNamesLevel(both=False)),
            cll.JaroWinklerLevel("surname", 0.8),
            cll.ElseLevel(),
        ],
    )


def dob_comparison() -> cl.CustomComparison:
    swapped = (
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) and substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
        "and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="date of birth: exact, day and month swapped, typos, same year, years apart",
        comparison_levels=[
            _null("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(swapped, label_for_charts="day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.DamerauLevenshteinLevel("dob", 2),
            cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", label_for_charts="same year"),
            # Five or more years apart (and not a typo, caught above): a parent and a child, or two siblings,
            # at one address rather than one person recorded twice. Its own level, so EM says how rare it is
            # for one person (FEBRL's duplicates do carry such dates; the demo's households do not).
            cll.CustomLevel(
                "abs(cast(substr(dob_l, 1, 4) as integer) - cast(substr(dob_r, 1, 4) as integer)) >= 5",
                label_for_charts="five or more years apart",
            ),
            # One to four years apart and more than two typos: rare for one person; EM, fed mostly by blocks
            # where dates agree, underestimates how rare, and shared e-mails or homes then outweigh it.
            cll.ElseLevel().configure(m_probability=0.001, fix_m_probability=True),
        ],
    )


def _exact_else(col: str, *, tf: bool = False, typo: bool = False) -> cl.CustomComparison:
    levels: list[Any] = [_null(col), cll.ExactMatchLevel(col, term_frequency_adjustments=tf)]
    if typo:
        levels.append(cll.DamerauLevenshteinLevel(col, 1))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name=col, comparison_levels=levels)


def place_comparison(columns: set[str]) -> cl.CustomComparison:
    """Where the person lives, as ONE comparison: same UPRN › same address › same postcode › same sector.

    UPRN, address and postcode say the same thing; comparing them separately would count one home three times
    and link members of a household to each other."""
    present = [c for c in ("uprn", "address", "postcode") if c in columns]
    all_null = " and ".join(f"({c}_l is null or {c}_r is null)" for c in present)
    levels: list[Any] = [
        cll.CustomLevel(all_null, label_for_charts="no place on one side").configure(is_null_level=True)
    ]
    if "uprn" in columns:
        levels.append(cll.ExactMatchLevel("uprn"))
    if "address" in columns:
        levels.append(cll.ExactMatchLevel("address", term_frequency_adjustments=True))
    if "postcode" in columns:
        levels.append(cll.ExactMatchLevel("postcode", term_frequency_adjustments=True))
    if "address" in columns:
        levels.append(cll.JaroWinklerLevel("address", 0.9))
    if "postcode" in columns:
        levels.append(cll.DamerauLevenshteinLevel("postcode", 1))  # one slip: a typo or two swapped
        levels.append(
            cll.CustomLevel(
                "substr(postcode_l, 1, length(postcode_l) - 2) "
                "= substr(postcode_r, 1, length(postcode_r) - 2)",
                label_for_charts="same postcode sector",
            )
        )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name="place", comparison_levels=levels)


def same_home_sql(columns: set[str]) -> str | None:
    """SQL true when two records give the same home (UPRN or full address; a postcode is a street, not a
    home), or None when neither role is present."""
    present = [c for c in HOME_COLUMNS if c in columns]
    return "(" + " or ".join(f"{c}_l = {c}_r" for c in present) + ")" if present else None


def household_phone_share(con: duckdb.DuckDBPyConnection, columns: set[str]) -> float | None:
    """Of record pairs at one home that are surely two people (first names and dates of birth wholly
    different: two members of a household), the share that give the same phone. High where phones are
    household landlines (the demo's partner files: 0.97); near zero where the "phone" role is a personal
    identifier (FEBRL's social security number). None when there are too few such pairs to measure."""
    homes = [c for c in HOME_COLUMNS if c in columns]
    if not homes or not {"phone", "first_name_canon", "dob"} <= columns:
        return None
    # One equi-join per home column (an OR join would compare every pair of records).
    parts = " union ".join(
        f"""select l.unique_id as a, r.unique_id as b, l.phone = r.phone as same
            from link_features l join link_features r on l.{c} = r.{c} and l.unique_id < r.unique_id
            where l.phone is not null and r.phone is not null
              and jaro_winkler_similarity(l.first_name_canon, r.first_name_canon) < 0.8
              and damerau_levenshtein(l.dob, r.dob) > 2"""  # noqa: S608 - c is one of HOME_COLUMNS
        for c in homes
    )
    row = con.execute(f"select count(*), count(*) filter (where same) from ({parts})").fetchone()  # noqa: S608
    pairs, same = (int(row[0]), int(row[1])) if row else (0, 0)
    if pairs < MIN_HOUSEHOLD_PAIRS:
        return None
    return max(same / pairs, 1e-6)


def phone_comparison(columns: set[str], household_share: float | None = None) -> cl.CustomComparison:
    """Phone: exact › one typo. Where phones are shared within households (``household_share``, measured
    by ``household_phone_share``), the same phone at the same home says little more than the home itself,
    which ``place`` already counts: that level's u is the measured share instead of the chance two random
    records share a phone. Counting both in full made parents and children at one address one person."""
    levels: list[Any] = [_null("phone")]
    home = same_home_sql(columns)
    if home and household_share is not None:
        levels.append(
            cll.CustomLevel(
                f"phone_l = phone_r and {home}", label_for_charts="same phone at the same home"
            ).configure(u_probability=household_share, fix_u_probability=True)
        )
    levels += [cll.ExactMatchLevel("phone"), cll.DamerauLevenshteinLevel("phone", 1), cll.ElseLevel()]
    return cl.CustomComparison(output_column_name="phone", comparison_levels=levels)


def shared_id_comparison() -> cl.CustomComparison:
    """Another identifier both sources hold for a person (a National Insurance number, a case-system id):
    exact › one typo or two digits transposed › different. How much each says is left to EM, because how
    carefully partners key such numbers differs from one identifier to the next."""
    return cl.CustomComparison(
        output_column_name="shared_id",
        comparison_levels=[
            _null("shared_id"),
            cll.ExactMatchLevel("shared_id"),
            cll.DamerauLevenshteinLevel("shared_id", 1),
            cll.ElseLevel(),
        ],
    )


def nhs_number_comparison() -> cl.CustomComparison:
    """Two valid NHS numbers that differ almost always mean two people: a slip that still passes the
    Modulus 11 check is rare, so that level's m is fixed small instead of left to EM."""
    return cl.CustomComparison(
        output_column_name="nhs_number",
        comparison_levels=[
            _null("nhs_number"),
            cll.ExactMatchLevel("nhs_number"),
            cll.ElseLevel().configure(m_probability=0.001, fix_m_probability=True),
        ],
    )


def comparisons_for(columns: set[str], household_share: float | None = None) -> list[Any]:
    """The comparisons for the roles present, in a fixed order (so a model's JSON is stable)."""
    out: list[Any] = []
    if "first_name" in columns:
        out.append(first_name_comparison())
    if "surname" in columns:
        out.append(surname_comparison())
    if "dob" in columns:
        out.append(dob_comparison())
    if "sex" in columns:
        out.append(_exact_else("sex"))
    if "nhs_number" in columns:
        out.append(nhs_number_comparison())
    if columns & {"uprn", "address", "postcode"}:
        out.append(place_comparison(columns))
    if "phone" in columns:
        out.append(phone_comparison(columns, household_share))
    if "email" in columns:
        out.append(cl.EmailComparison("email"))
    if "shared_id" in columns:
        out.append(shared_id_comparison())
    return out


def _rules(columns: set[str], candidates: list[tuple[str, ...]]) -> list[Any]:
    def col_of(expr: str) -> str:
        return expr.split("(")[-1].split(",")[0].strip(") ") if "(" in expr else expr

    return [block_on(*c) for c in candidates if all(col_of(e) in columns for e in c)]


def _swapped_rules(columns: set[str]) -> list[str]:
    """Forename and surname written the wrong way round (block_on cannot say this): one of the two names
    crosses over exactly, and a date of birth, postcode or address agrees."""
    if not {"first_name", "surname"} <= columns:
        return []
    rules = ["l.first_name = r.surname and l.surname = r.first_name"]
    for col in ("dob", "postcode", "address"):
        if col in columns:
            rules += [
                f"l.first_name = r.surname and l.{col} = r.{col}",
                f"l.surname = r.first_name and l.{col} = r.{col}",
            ]
    return rules


def prediction_blocking_rules(columns: set[str], n_records: int = 0) -> list[Any]:
    """Pairs worth scoring: any strong identifier, or a name with a date of birth or place. On large inputs a
    name alone is too common a key, so the name block also needs the year of birth."""
    by_name = (
        ("first_name_canon", "surname")
        if n_records <= LARGE_INPUT
        else ("first_name_canon", "surname", "substr(dob, 1, 4)")
    )
    return _rules(
        columns,
        [
            ("nhs_number",),
            by_name,
            ("surname", "dob"),
            ("first_name_canon", "dob"),
            ("dob", "postcode"),
            ("dob", "uprn"),
            ("surname", "postcode"),
            ("first_name_canon", "postcode"),
            ("uprn", "substr(first_name, 1, 1)"),
            ("email",),
            ("phone",),
            ("shared_id",),
            ("dob", "substr(surname, 1, 2)"),
            ("dob", "address"),
            ("surname", "address"),
            ("first_name_canon", "address"),
            ("postcode", "address"),
            # the house number (an address's first word) with the postcode or the surname: the rest of the
            # address mistyped, or the family moved within the street
            ("postcode", "split_part(address, ' ', 1)"),
            ("surname", "split_part(address, ' ', 1)"),
        ],
    ) + _swapped_rules(columns)


def deterministic_rules(columns: set[str]) -> list[Any]:
    return _rules(columns, [("first_name_canon", "surname", "dob"), ("nhs_number",), ("email",)])


def em_blocking_rules(columns: set[str], n_records: int) -> list[Any]:
    """Blocks for EM. EM needs blocks in which true pairs are common. On a large input (``n_records``: the
    whole input, even when training on a sample of it) a name alone or a date alone gathers far more
    strangers than duplicates (strangers grow with the square of the input, duplicates with the input), and
    EM then takes "same name" for "same person": on the 1,000,000-record demo set it learnt that one person's
    dates of birth are usually years apart. There each block joins strong keys, and between them every
    comparison is estimated at least once (a name comparison reads both names, for swapped names, so it is
    estimated only in a block on neither name)."""
    if n_records > LARGE_INPUT:
        place = next((c for c in ("postcode", "uprn", "address") if c in columns), None)
        if place and {"first_name_canon", "surname", "dob"} <= columns:
            return _rules(
                columns,
                [
                    ("dob", place),  # estimates the names
                    ("first_name_canon", "surname", "dob"),  # the place
                    ("first_name_canon", "surname", place),  # the date of birth
                ],
            )
    by_name = _rules(columns, [("first_name_canon", "surname")])
    by_dob = _rules(columns, [("dob",)])
    rules = by_name + by_dob
    if len(rules) < 2:  # few roles: fall back to whatever single strong column there is
        rules += _rules(columns, [("postcode",), ("email",), ("address",)])[: 2 - len(rules)]
    return rules


def settings_for(
    columns: set[str], n_records: int = 0, household_share: float | None = None
) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons_for(columns, household_share),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(columns, n_records),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def estimate_prior(linker: Linker, columns: set[str], config: LinkConfig) -> None:
    """The chance two random records match, from deterministic rules and an assumed recall."""
    det = deterministic_rules(columns)
    if det:
        linker.training.estimate_probability_two_random_records_match(
            det, recall=config.recall_of_deterministic_rules
        )


def train(
    linker: Linker,
    columns: set[str],
    n_records: int,
    config: LinkConfig,
    *,
    prior: bool = True,
    n_input: int | None = None,
) -> None:
    """Estimate the model without labels (seeded, so a re-run on the same data gives the same model).

    ``n_records``: the records the linker trains on; ``n_input``: the whole input when that is a sample of it
    (it decides the EM blocks)."""
    if prior:
        estimate_prior(linker, columns, config)
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    for rule in em_blocking_rules(columns, n_input or n_records):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=n_records > LARGE_INPUT // 4
            )
        except Exception as exc:  # noqa: BLE001 - a block with no pairs gives no estimate; others still do
            log.warning("EM on %s gave no estimate: %s", rule, type(exc).__name__)
