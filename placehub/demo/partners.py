"""Partner files drawn from the residents, each in its partner's own habits, and the truth behind every
record.

- ``shielded_list.csv``: the central shielded-patients list (UPPER CASE, no UPRN, NHS numbers with a few bad
  check digits, dates of birth in four formats, address lines in odd orders, postcodes missing or wrong, a few
  exact duplicate rows).
- ``adult_social_care.csv``: the council's care system, with UPRNs, a few of them wrong (the block for a flat,
  the house next door, a retired UPRN).
- ``free_school_meals.csv``: the schools' list, written in Windows-1252 by a desktop export.
- ``food_support.xlsx`` (see ``food_support.py``): a voluntary-sector referral sheet.
"""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

from placehub.demo import mess
from placehub.demo.addresses import Address
from placehub.demo.identifiers import invalidate_nhs_number
from placehub.demo.people import REFERENCE_DATE, Census, Person

SHIELDED_SOURCE = "shielded-list"
ASC_SOURCE = "adult-social-care"
FOOD_SOURCE = "food-support"
FSM_SOURCE = "free-school-meals"


@dataclass(frozen=True)
class TruthRow:
    source: str
    record_id: str
    true_uprn: str
    true_person_id: str


def _write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    w = csv.writer(buffer, lineterminator="\r\n")  # exports from Windows systems end lines with CRLF
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _ids(rng: random.Random, prefix: str, n: int, digits: int) -> list[str]:
    """Distinct, non-sequential record ids such as ASC482913."""
    return [f"{prefix}{v:0{digits}d}" for v in rng.sample(range(10 ** (digits - 1), 10**digits), n)]


def write_shielded_list(
    path: Path, census: Census, by_uprn: dict[str, Address], seed: int, neighbours: dict[str, list[str]]
) -> list[TruthRow]:
    rng = random.Random(f"shielded-{seed}")
    people = [p for p in census.people if p.shielding and rng.random() < 0.97]
    rng.shuffle(people)
    ids = [f"SPL{i:07d}" for i in sorted(rng.sample(range(1, 10_000_000), len(people)))]
    header = [
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
    ]
    rows, truth = [], []
    # A fixed share of mistyped NHS numbers (0.8%) and of rows sent twice (0.6%), at least one of each.
    mistyped = set(rng.sample(range(len(people)), min(len(people), max(1, round(0.008 * len(people))))))
    doubled = set(rng.sample(range(len(people)), min(len(people), max(1, round(0.006 * len(people))))))
    for i, (rid, p) in enumerate(zip(ids, people, strict=True)):
        a = by_uprn[p.uprn]
        nhs = invalidate_nhs_number(rng, p.nhs_number) if i in mistyped else p.nhs_number
        lines = _spread_lines(rng, [mess.ascii_fold(x).upper() for x in mess.address_lines(rng, a)])
        postcode = mess.postcode_variant(rng, a.postcode, neighbours).upper()
        first = mess.name_variant(rng, p.first_name, nickname=0.0, slip=0.03)
        surname = p.surname if rng.random() > 0.03 else mess.typo(rng, p.surname)
        row = (
            [
                rid,
                nhs,
                p.title.upper(),
                first,
                p.middle_name,
                surname,
                mess.date_variant(rng, p.dob.isoformat()),
            ]
            + lines
            + [postcode, p.phone.replace(" ", ""), f"Y{rng.randint(10000, 10040)}"]
        )
        row = [mess.ascii_fold(v).upper() for v in row]
        rows.append(row)
        truth.append(TruthRow(SHIELDED_SOURCE, rid, p.uprn, p.person_id))
        if i in doubled:  # the same row sent twice in one extract
            rows.append(list(row))
    _write_csv(path, header, rows)
    return truth


def _spread_lines(rng: random.Random, lines: list[str]) -> list[str]:
    """Five address lines as central systems fill them: in order, shuffled, crammed into one, or shifted."""
    style = rng.choices(["plain", "swap", "one", "shift", "split_number"], [55, 12, 10, 10, 13])[0]
    if style == "swap" and len(lines) >= 2:
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    elif style == "one":
        lines = [", ".join(lines)]
    elif style == "shift":
        lines = ["", *lines]
    elif style == "split_number":
        for i, line in enumerate(lines):
            number, _, rest = line.partition(" ")
            if number[:1].isdigit() and rest:
                lines[i : i + 1] = [number, rest]
                break
    if len(lines) > 5:
        lines = [*lines[:4], " ".join(lines[4:])]
    return lines + [""] * (5 - len(lines))


def write_adult_social_care(
    path: Path, census: Census, by_uprn: dict[str, Address], seed: int, neighbours: dict[str, list[str]]
) -> list[TruthRow]:
    rng = random.Random(f"asc-{seed}")
    people = [p for p in census.people if p.asc_client]
    rng.shuffle(people)
    ids = _ids(rng, "ASC", len(people), 6)
    addresses = list(by_uprn.values())
    known = set(by_uprn)
    header = [
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
    ]
    services = [
        "Home care",
        "Day opportunities",
        "Residential care",
        "Nursing care",
        "Direct payment",
        "Reablement",
        "Meals at home",
        "Telecare",
    ]
    rows, truth = [], []
    for rid, p in zip(ids, people, strict=True):
        a = by_uprn[p.uprn]
        uprn = _recorded_uprn(rng, a, addresses, known) if rng.random() < 0.92 else ""
        line1, line2 = _system_lines(a)
        service = "Residential care" if a.classification == "RI01" else rng.choice(services)
        start = REFERENCE_DATE.toordinal() - rng.randint(20, 3000)
        postcode = a.postcode if rng.random() > 0.03 else mess.postcode_variant(rng, a.postcode, neighbours)
        rows.append(
            [
                rid,
                p.nhs_number if rng.random() < 0.78 else "",
                p.title,
                p.first_name,
                p.surname,
                p.dob.strftime("%d/%m/%Y"),
                {"F": "Female", "M": "Male"}[p.sex],
                line1,
                line2,
                a.locality.title() or a.town.title(),
                postcode,
                uprn,
                service,
                type(REFERENCE_DATE).fromordinal(start).strftime("%d/%m/%Y"),
                p.phone,
            ]
        )
        truth.append(TruthRow(ASC_SOURCE, rid, p.uprn, p.person_id))
    _write_csv(path, header, rows)
    return truth


def _recorded_uprn(rng: random.Random, a: Address, addresses: list[Address], known: set[str]) -> str:
    """Mostly right; about 3% wrong as real case systems are: the block for a flat, next door, or retired."""
    if rng.random() > 0.03:
        return a.uprn
    if a.parent_uprn:
        return a.parent_uprn
    if rng.random() < 0.5:
        near = [b for b in addresses if b.usrn == a.usrn and b.uprn != a.uprn and b.is_residential]
        if near:
            return min(near, key=lambda b: (abs((b.pao_number or 0) - (a.pao_number or 0)), b.uprn)).uprn
    while True:  # a UPRN retired when the property was rebuilt: well-formed but no longer in the gazetteer
        old = f"1000{rng.randrange(100_000_000):08d}"
        if old not in known:
            return old


def _system_lines(a: Address) -> tuple[str, str]:
    """Two title-case lines as a care system stores them: flat and building, then number and street."""
    first = " ".join(x for x in (a.sao_text, a.pao_text) if x).title()
    street = f"{a.number_text} {a.street}" if a.number_text else a.street
    if not first:
        return street.title(), ""
    return first, street.title()


def write_free_school_meals(
    path: Path, census: Census, by_uprn: dict[str, Address], seed: int, neighbours: dict[str, list[str]]
) -> list[TruthRow]:
    """The schools' FSM list in Windows-1252 (as their desktop MIS exports it)."""
    rng = random.Random(f"fsm-{seed}")
    schools = {code: [a for a in by_uprn.values() if a.classification == code] for code in ("CE03", "CE04")}
    members: dict[str, list[Person]] = {}
    for p in census.people:
        members.setdefault(p.household_id, []).append(p)
    children = [p for p in census.people if p.fsm and not p.deceased]
    rng.shuffle(children)
    ids = _ids(rng, "FSM", len(children), 6)
    header = [
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
    ]
    notes = [
        "Eligible – Universal Credit",
        "Eligible – income support",
        "Transitional protection",
        "Eligible – asylum support",
        "Awaiting evidence – parent’s UC statement",
        "",
    ]
    rows, truth = [], []
    for rid, p in zip(ids, children, strict=True):
        a = by_uprn[p.uprn]
        year = _year_group(p)
        phase = "CE03" if year in ("R", *map(str, range(1, 7))) else "CE04"
        options = schools[phase] or schools["CE03"] or schools["CE04"]
        school = school_name(min(options, key=lambda s: mess_distance(s, a))) if options else ""
        adults = [m for m in members[p.household_id] if m.age >= 18]
        parent = rng.choice(adults) if adults else p
        address, postcode = mess.render_address(rng, a, neighbours, ambiguous=0.01)
        rows.append(
            [
                rid,
                p.first_name,
                p.surname,
                p.dob.strftime("%d/%m/%Y"),
                year,
                school,
                f"{parent.title} {parent.first_name} {parent.surname}".strip(),
                address.title() if rng.random() < 0.7 else address,
                postcode,
                rng.choice(notes),
            ]
        )
        truth.append(TruthRow(FSM_SOURCE, rid, p.uprn, p.person_id))
    _write_csv(path, header, rows, encoding="cp1252")
    return truth


def _year_group(p: Person) -> str:
    """School year from the age on 31 August before the reference date (reception is age 4)."""
    cutoff = REFERENCE_DATE.replace(month=8, day=31)
    age = cutoff.year - p.dob.year - ((cutoff.month, cutoff.day) < (p.dob.month, p.dob.day))
    return "R" if age <= 4 else str(min(11, age - 4))


def school_name(school: Address) -> str:
    """The school as it names itself: title case, with the apostrophe it prints (St Mary’s)."""
    name = school.pao_text.title().replace("Church Of England", "C of E")
    for saint in ("Marys", "Johns", "Annes"):
        name = name.replace(f"St {saint}", f"St {saint[:-1]}’s")
    return name


def mess_distance(a: Address, b: Address) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)
