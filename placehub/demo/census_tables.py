"""Census-like LSOA tables counted from the residents, in the column shapes of the Lewisham 2011 census files.

The four tables copy the headers of ../shared/data/geography/lewisham/lbl_*_lsoa11.csv exactly (with the
demo's LSOA codes), so one loader and one index definition serve both; ``lsoa_indicators.csv`` adds fuel
poverty (in the shape of lbl_fuel_poverty_2019_lsoa11.csv), older residents, free school meals and broadband.
Household tables exclude care homes (communal establishments), as the census does; person tables count every
living resident.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from placehub.demo.addresses import Address
from placehub.demo.geography import LAD_CODE, Area
from placehub.demo.people import CARE, HEALTH, LIMITATION, QUALIFICATION, Census, Household, Person

CAR_VAN = [
    "LSOA11CD",
    "All categories: Car or van availability",
    "No cars or vans in household",
    "1 car or van in household",
    "2 cars or vans in household",
    "3 cars or vans in household",
    "4 or more cars or vans in household",
    "sum of all cars or vans in the area",
]
OCCUPANCY = [
    "LSOA11CD",
    "All categories: Occupancy rating bedrooms",
    "Occupancy rating (bedrooms) of +2 or more",
    "Occupancy rating (bedrooms) of +1",
    "Occupancy rating (bedrooms) of 0",
    "Occupancy rating (bedrooms) of -1",
    "Occupancy rating (bedrooms) of -2 or less",
]
EDUCATION = ["LSOA11CD", "Total", *QUALIFICATION]
HEALTH_CARE = [
    "LSOA11CD",
    "All categories: Long-term health problem or disability",
    *LIMITATION,
    *(f"{x}: Age 16 to 64" for x in LIMITATION),
    *HEALTH,
    *CARE,
]
INDICATORS = [
    "LSOA11CD",
    "LSOA11NM",
    "LAD19CD",
    "Number of households",
    "Number of households in fuel poverty",
    "Proportion of households fuel poor (%)",
    "Usual residents",
    "Residents aged 75 and over",
    "Share aged 75 and over (%)",
    "Pupils aged 4 to 15",
    "Pupils eligible for free school meals",
    "Free school meals rate (%)",
    "Households without broadband (%)",
    "Residents living alone aged 65+",
]


def write_census_tables(
    out_dir: Path, census: Census, lsoas: list[Area], by_uprn: dict[str, Address]
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    households: dict[str, list[Household]] = defaultdict(list)
    people: dict[str, list[Person]] = defaultdict(list)
    for hh in census.households:
        lsoa = by_uprn[hh.uprn].lsoa
        living = [p for p in hh.members if not p.deceased]
        people[lsoa] += living
        if not hh.communal and living:
            households[lsoa].append(hh)
    tables = {
        "lbl_car_van_availability_lsoa11.csv": (CAR_VAN, _car_van),
        "lbl_occupancy_rating_lsoa11.csv": (OCCUPANCY, _occupancy),
        "lbl_educational_attainment_lsoa11.csv": (EDUCATION, _education),
        "lbl_health_and_provision_of_unpaid_care_lsoa11.csv": (HEALTH_CARE, _health),
        "lsoa_indicators.csv": (INDICATORS, _indicators),
    }
    paths = []
    for filename, (header, row_fn) in tables.items():
        path = out_dir / filename
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for area in lsoas:
                w.writerow([area.code, *row_fn(area, households[area.code], people[area.code])])
        paths.append(path)
    return paths


def _car_van(area: Area, hhs: list[Household], _people: list[Person]) -> list[int]:
    counts = [sum(1 for h in hhs if min(h.cars, 4) == k) for k in range(5)]
    return [len(hhs), *counts, sum(h.cars for h in hhs)]


def _occupancy(area: Area, hhs: list[Household], _people: list[Person]) -> list[int]:
    ratings = [h.occupancy_rating for h in hhs]
    return [
        len(hhs),
        sum(r >= 2 for r in ratings),
        sum(r == 1 for r in ratings),
        sum(r == 0 for r in ratings),
        sum(r == -1 for r in ratings),
        sum(r <= -2 for r in ratings),
    ]


def _education(area: Area, _hhs: list[Household], people: list[Person]) -> list[int]:
    adults = [p for p in people if p.age >= 16]
    return [len(adults), *(sum(p.qualification == q for p in adults) for q in QUALIFICATION)]


def _health(area: Area, _hhs: list[Household], people: list[Person]) -> list[int]:
    working = [p for p in people if 16 <= p.age <= 64]
    care = [p.unpaid_care or CARE[0] for p in people]
    return [
        len(people),
        *(sum(p.activity_limitation == x for p in people) for x in LIMITATION),
        *(sum(p.activity_limitation == x for p in working) for x in LIMITATION),
        *(sum(p.general_health == x for p in people) for x in HEALTH),
        *(care.count(x) for x in CARE),
    ]


def _indicators(area: Area, hhs: list[Household], people: list[Person]) -> list[object]:
    fuel_poor = sum(h.fuel_poor for h in hhs)
    old = sum(p.age >= 75 for p in people)
    pupils = [p for p in people if 4 <= p.age <= 15]
    fsm = sum(p.fsm for p in pupils)
    no_broadband = sum(not any(p.has_broadband for p in h.members) for h in hhs)
    alone_65 = sum(p.lives_alone and p.age >= 65 for p in people)
    return [
        area.name,
        LAD_CODE,
        len(hhs),
        fuel_poor,
        _pct(fuel_poor, len(hhs)),
        len(people),
        old,
        _pct(old, len(people)),
        len(pupils),
        fsm,
        _pct(fsm, len(pupils)),
        _pct(no_broadband, len(hhs)),
        alone_65,
    ]


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 4) if whole else 0.0
