"""Writers for the borough's truth files: the gazetteer (LLPG-style CSV), residents, households and truth."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from pyproj import Transformer

from placehub.demo.addresses import Address
from placehub.demo.partners import TruthRow
from placehub.demo.people import Census

GAZETTEER_COLUMNS = [
    "UPRN",
    "PARENT_UPRN",
    "USRN",
    "CLASSIFICATION_CODE",
    "SAO_TEXT",
    "PAO_TEXT",
    "PAO_START_NUMBER",
    "PAO_START_SUFFIX",
    "STREET_DESCRIPTOR",
    "LOCALITY",
    "TOWN_NAME",
    "POSTCODE",
    "X_COORDINATE",
    "Y_COORDINATE",
    "LATITUDE",
    "LONGITUDE",
    "LSOA_CODE",
    "MSOA_CODE",
    "WARD_CODE",
    "ADDRESS",
]
RESIDENT_COLUMNS = [
    "person_id",
    "household_id",
    "uprn",
    "title",
    "first_name",
    "middle_name",
    "surname",
    "sex",
    "dob",
    "nhs_number",
    "phone",
    "email",
    "shielding",
    "asc_client",
    "fsm",
    "has_device",
    "has_broadband",
    "lives_alone",
    "deceased",
    "general_health",
    "activity_limitation",
    "unpaid_care",
    "qualification",
]
_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _write(path: Path, header: list[str], rows: Iterable[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def write_gazetteer(path: Path, addresses: list[Address]) -> Path:
    """One row per UPRN, ordered by UPRN as LLPG extracts usually are."""
    ordered = sorted(addresses, key=lambda a: a.uprn)
    lon, lat = _TO_WGS84.transform(np.array([a.x for a in ordered]), np.array([a.y for a in ordered]))
    rows = (
        [
            a.uprn,
            a.parent_uprn,
            a.usrn,
            a.classification,
            a.sao_text,
            a.pao_text,
            "" if a.pao_number is None else a.pao_number,
            a.pao_suffix,
            a.street,
            a.locality,
            a.town,
            a.postcode,
            f"{a.x:.1f}",
            f"{a.y:.1f}",
            f"{la:.7f}",
            f"{lo:.7f}",
            a.lsoa,
            a.msoa,
            a.ward,
            a.line,
        ]
        for a, lo, la in zip(ordered, lon, lat, strict=True)
    )
    return _write(path, GAZETTEER_COLUMNS, rows)


def write_residents(path: Path, census: Census) -> Path:
    rows = (
        [
            p.person_id,
            p.household_id,
            p.uprn,
            p.title,
            p.first_name,
            p.middle_name,
            p.surname,
            p.sex,
            p.dob.isoformat(),
            p.nhs_number,
            p.phone,
            p.email,
            _flag(p.shielding),
            _flag(p.asc_client),
            _flag(p.fsm),
            _flag(p.has_device),
            _flag(p.has_broadband),
            _flag(p.lives_alone),
            p.deceased,
            p.general_health,
            p.activity_limitation,
            p.unpaid_care,
            p.qualification,
        ]
        for p in census.people
    )
    return _write(path, RESIDENT_COLUMNS, rows)


def write_households(path: Path, census: Census) -> Path:
    header = [
        "household_id",
        "uprn",
        "kind",
        "size",
        "communal",
        "low_income",
        "fuel_poor",
        "cars",
        "bedrooms",
        "occupancy_rating",
    ]
    rows = (
        [
            h.household_id,
            h.uprn,
            h.kind,
            len(h.members),
            _flag(h.communal),
            _flag(h.low_income),
            _flag(h.fuel_poor),
            h.cars,
            "" if h.communal else h.bedrooms,
            "" if h.communal else h.occupancy_rating,
        ]
        for h in census.households
    )
    return _write(path, header, rows)


def write_truth(path: Path, truth: list[TruthRow]) -> Path:
    rows = sorted({(t.source, t.record_id): t for t in truth}.values(), key=lambda t: (t.source, t.record_id))
    return _write(
        path,
        ["source", "record_id", "true_uprn", "true_person_id"],
        ([t.source, t.record_id, t.true_uprn, t.true_person_id] for t in rows),
    )
