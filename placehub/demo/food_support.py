"""The voluntary sector's food-support referral sheet (.xlsx), kept the way a busy volunteer keeps it.

A title row sits above the header (so the header is row 2); names are typed with the characters Windows and
phones insert (O’Brien with a curly apostrophe, Zoë, Renée, an en dash in "Emergency food – no money"); the
address is one free-text cell, sometimes with the postcode inside it; phone numbers come in every format;
dates are real Excel dates mostly, typed text sometimes. The file is written byte-for-byte the same for a
seed: openpyxl's timestamps are fixed and the zip entries re-stamped.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from placehub.demo import mess, names
from placehub.demo.addresses import Address
from placehub.demo.partners import FOOD_SOURCE, TruthRow
from placehub.demo.people import REFERENCE_DATE, Census, Person

FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)
FIXED_STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
HEADER = [
    "Referral ID",
    "Date referred",
    "Client name",
    "Date of birth",
    "Address",
    "Postcode",
    "Phone",
    "Household size",
    "Need",
    "Referred by",
    "Notes",
]
REFERRERS = [
    "GP surgery",
    "Social prescriber",
    "Citizens Advice",
    "School",
    "Self-referral",
    "Housing officer",
    "Health visitor",
    "Jobcentre Plus",
    "Faith group",
    "Council helpline",
]


def write_food_support(
    path: Path, census: Census, by_uprn: dict[str, Address], seed: int, neighbours: dict[str, list[str]]
) -> list[TruthRow]:
    rng = random.Random(f"food-{seed}")
    by_household = {hh.household_id: hh for hh in census.households}
    candidates = [
        p
        for p in census.people
        if p.age >= 18
        and not p.deceased
        and by_household[p.household_id].low_income
        and not by_household[p.household_id].communal
    ]
    chosen = [p for p in candidates if rng.random() < 0.06]
    chosen += [p for p in chosen if rng.random() < 0.08]  # referred again a few weeks later
    today = datetime.combine(REFERENCE_DATE, datetime.min.time())
    dated = sorted(((today - timedelta(days=rng.randint(1, 400)), p) for p in chosen), key=lambda t: t[0])
    wb = Workbook()
    ws = wb.active
    ws.title = "Referrals"
    ws.append([f"{names.BOROUGH_NAME} Community Food Network – referrals received (updated weekly)"])
    ws.append(HEADER)
    truth = []
    for i, (referred, p) in enumerate(dated):
        rid = f"CFN-{referred.year}-{i + 1:05d}"  # numbered in the order referrals arrived
        a = by_uprn[p.uprn]
        address, postcode = mess.render_address(rng, a, neighbours, ambiguous=0.02)
        address = address.title() if rng.random() < 0.6 else address
        if postcode and rng.random() < 0.15:  # postcode typed into the address cell instead
            address, postcode = f"{address} {postcode}", ""
        ws.append(
            [
                rid,
                referred if rng.random() < 0.9 else referred.strftime("%d/%m/%y"),
                _client_name(rng, p),
                _dob_cell(rng, p),
                address,
                postcode,
                _phone(rng, p.phone),
                len(by_household[p.household_id].members) if rng.random() < 0.85 else "",
                rng.choice(names.FOOD_NEEDS),
                rng.choice(REFERRERS),
                rng.choice(
                    [
                        "",
                        "",
                        "",
                        "Call before visiting",
                        "No mobile – use landline",
                        "Speaks Polish",
                        "Daughter’s number given",
                        "Deliver after 3pm",
                    ]
                ),
            ]
        )
        truth.append(TruthRow(FOOD_SOURCE, rid, p.uprn, p.person_id))
    for row in ws.iter_rows(min_row=3, min_col=2, max_col=4):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY"
    ws.column_dimensions["C"].width = 28
    ws.column_dimensions["E"].width = 60
    wb.properties.creator = "Ashcombe CFN"
    wb.properties.created = FIXED_TIME
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_restamp(buffer.getvalue()))
    return truth


def _client_name(rng: random.Random, p: Person) -> str:
    """Names as volunteers type them: curly apostrophes, a title, a nickname, or SURNAME, First."""
    first = mess.name_variant(rng, p.first_name, nickname=0.12, slip=0.03)
    surname = p.surname.replace("'", "’")
    style = rng.choices(["plain", "title", "comma", "upper"], [65, 15, 12, 8])[0]
    if style == "title" and p.title:
        return f"{p.title} {first} {surname}"
    if style == "comma":
        return f"{surname.upper()}, {first}"
    if style == "upper":
        return f"{first} {surname}".upper()
    return f"{first} {surname}"


def _dob_cell(rng: random.Random, p: Person) -> datetime | str:
    r = rng.random()
    if r < 0.25:
        return ""
    if r < 0.85:
        return datetime.combine(p.dob, datetime.min.time())
    return mess.date_variant(rng, p.dob.isoformat(), formats=("dmy/", "dmy.", "dmy-"))


def _phone(rng: random.Random, phone: str) -> str:
    """A UK number as people write it: 0115 496 0123, 01154960123, +44 115 496 0123, (0115) 4960123."""
    if not phone or rng.random() < 0.2:
        return ""
    digits = phone.replace(" ", "")
    style = rng.randrange(5)
    if style == 0:
        return phone
    if style == 1:
        return digits
    if style == 2:
        return f"+44 {phone[1:]}"
    if style == 3:
        return f"({phone.split(' ')[0]}) {''.join(phone.split(' ')[1:])}"
    return f"{digits[:5]}-{digits[5:]}"


def _restamp(xlsx: bytes) -> bytes:
    """Rewrite the zip with a fixed timestamp on every entry, so the same seed gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP, data)
            dst.writestr(fixed, data)
    return out.getvalue()
