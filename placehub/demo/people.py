"""Residents in households: who lives where, with the attributes the cohorts and census tables need.

Households follow the dwelling: flats hold more single adults and sharers, houses more families; care homes
hold older residents. An area's deprivation (a smooth field across the borough, higher in the town centre)
shapes income, health, qualifications, cars and free school meals, so small-area indicators vary as real ones
do. Clinically extremely vulnerable ("shielding") status and adult social care rise steeply with age.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from placehub.demo import names
from placehub.demo.addresses import Address
from placehub.demo.identifiers import EMAIL_DOMAINS, draw_nhs_numbers, phone_pool
from placehub.demo.layout import Layout
from placehub.demo.mess import ascii_fold
from placehub.demo.streets import ORIGIN_E, ORIGIN_N, WIDTH

REFERENCE_DATE = date(2026, 11, 1)  # "today" for the demo: ages, deaths and referrals are relative to it

HEALTH = ["Very good health", "Good health", "Fair health", "Bad health", "Very bad health"]
LIMITATION = [
    "Day-to-day activities limited a lot",
    "Day-to-day activities limited a little",
    "Day-to-day activities not limited",
]
CARE = [
    "Provides no unpaid care",
    "Provides 1 to 19 hours unpaid care a week",
    "Provides 20 to 49 hours unpaid care a week",
    "Provides 50 or more hours unpaid care a week",
]
QUALIFICATION = [
    "No qualifications",
    "Level 1 qualifications",
    "Level 2 qualifications",
    "Apprenticeship",
    "Level 3 qualifications",
    "Level 4 qualifications and above",
    "Other qualifications",
]


@dataclass
class Person:
    person_id: str
    household_id: str
    uprn: str
    title: str
    first_name: str
    middle_name: str
    surname: str
    sex: str
    dob: date
    nhs_number: str = ""
    phone: str = ""
    email: str = ""
    shielding: bool = False
    asc_client: bool = False
    fsm: bool = False
    has_device: bool = True
    has_broadband: bool = True
    lives_alone: bool = False
    deceased: str = ""
    general_health: str = ""
    activity_limitation: str = ""
    unpaid_care: str = ""
    qualification: str = ""

    @property
    def age(self) -> int:
        d = self.dob
        return REFERENCE_DATE.year - d.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (d.month, d.day))


@dataclass
class Household:
    household_id: str
    uprn: str
    kind: str
    deprivation: float
    communal: bool = False
    low_income: bool = False
    fuel_poor: bool = False
    cars: int = 0
    bedrooms: int = 1
    members: list[Person] = field(default_factory=list)

    @property
    def occupancy_rating(self) -> int:
        """Bedrooms minus the bedroom standard (one per couple, per other adult, per two children)."""
        adults = sum(1 for p in self.members if p.age >= 16)
        children = len(self.members) - adults
        couple = 1 if self.kind in ("couple", "older_couple", "couple_kids", "multigen") else 0
        needed = max(1, couple + (adults - 2 * couple) + math.ceil(children / 2))
        return self.bedrooms - needed


KINDS_FLAT = [
    ("single_adult", 30),
    ("single_pensioner", 14),
    ("couple", 22),
    ("lone_parent", 11),
    ("couple_kids", 9),
    ("sharers", 9),
    ("older_couple", 5),
]
KINDS_HOUSE = [
    ("single_adult", 9),
    ("single_pensioner", 13),
    ("couple", 16),
    ("older_couple", 15),
    ("couple_kids", 28),
    ("lone_parent", 9),
    ("multigen", 5),
    ("sharers", 5),
]
BEDROOMS = {
    "RD06": [(1, 50), (2, 42), (3, 8)],
    "RD04": [(2, 45), (3, 45), (4, 10)],
    "RD03": [(2, 15), (3, 65), (4, 20)],
    "RD02": [(3, 35), (4, 45), (5, 20)],
}


class Deprivation:
    """A smooth deprivation field in [0, 1]: higher near the town centre, with a few random pockets."""

    def __init__(self, rng: random.Random):
        self.centre = (ORIGIN_E + WIDTH / 2, ORIGIN_N + 3000.0)
        self.bumps = [
            (
                ORIGIN_E + rng.uniform(500, 7500),
                ORIGIN_N + rng.uniform(500, 5500),
                rng.uniform(400, 900),
                rng.uniform(-0.3, 0.35),
            )
            for _ in range(8)
        ]

    def at(self, x: float, y: float) -> float:
        d = 0.25 + 0.35 * math.exp(-((x - self.centre[0]) ** 2 + (y - self.centre[1]) ** 2) / (2 * 1500.0**2))
        for bx, by, s, amp in self.bumps:
            d += amp * math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s))
        return min(1.0, max(0.0, d))


class Census:
    """Draws people and households; owns the random stream so the order of draws fixes the result."""

    def __init__(self, seed: int):
        self.rng = random.Random(f"people-{seed}")
        self.np_rng = np.random.default_rng(seed)
        self.deprivation = Deprivation(self.rng)
        self.female = [n for n, _ in names.FEMALE_NAMES], [w for _, w in names.FEMALE_NAMES]
        self.male = [n for n, _ in names.MALE_NAMES], [w for _, w in names.MALE_NAMES]
        self.surnames = [n for n, _ in names.SURNAMES], [w for _, w in names.SURNAMES]
        self.people: list[Person] = []
        self.households: list[Household] = []

    def first_name(self, sex: str) -> str:
        pool, weights = self.female if sex == "F" else self.male
        return self.rng.choices(pool, weights)[0]

    def surname(self) -> str:
        return self.rng.choices(*self.surnames)[0]

    def dob(self, age: int) -> date:
        return REFERENCE_DATE - timedelta(days=age * 365 + self.rng.randrange(365))

    def person(self, hh: Household, sex: str, age: int, surname: str, *, married: bool = False) -> Person:
        rng = self.rng
        first = self.first_name(sex)
        middle = ""
        if rng.random() < 0.45:
            middle = self.first_name(sex)
            middle = middle if middle != first else ""
        if age < 16:
            title = ""
        elif sex == "M":
            title = "Dr" if rng.random() < 0.015 else "Mr"
        else:
            title = (
                "Dr"
                if rng.random() < 0.015
                else ("Mrs" if married and rng.random() < 0.8 else rng.choice(["Ms", "Miss"]))
            )
        p = Person(
            f"P{len(self.people) + 1:06d}",
            hh.household_id,
            hh.uprn,
            title,
            first,
            middle,
            surname,
            sex,
            self.dob(age),
        )
        self.people.append(p)
        hh.members.append(p)
        return p

    def adult_age(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pensioner_age(self) -> int:
        return min(101, 66 + int(self.rng.gammavariate(2.0, 6.5)))

    def populate(self, hh: Household) -> None:
        rng = self.rng
        kind = hh.kind
        if kind in ("single_adult", "single_pensioner"):
            sex = "F" if rng.random() < (0.6 if kind == "single_pensioner" else 0.45) else "M"
            age = self.pensioner_age() if kind == "single_pensioner" else self.adult_age(19, 64)
            self.person(hh, sex, age, self.surname(), married=rng.random() < 0.5)
        elif kind in ("couple", "older_couple", "couple_kids", "multigen"):
            surname = self.surname()
            age = (
                self.pensioner_age()
                if kind == "older_couple"
                else self.adult_age(
                    *{"couple": (21, 64), "couple_kids": (24, 52), "multigen": (45, 64)}[kind]
                )
            )
            same_sex = rng.random() < 0.03
            self.person(hh, "M" if not same_sex or rng.random() < 0.5 else "F", age, surname, married=True)
            partner_surname = surname if rng.random() < 0.75 else self.surname()
            partner_age = max(19, age + rng.randint(-6, 4))
            self.person(
                hh, "F" if not same_sex else hh.members[0].sex, partner_age, partner_surname, married=True
            )
            if kind == "couple_kids":
                self.children(
                    hh, surname, min(age, partner_age), rng.choices([1, 2, 3, 4], [38, 42, 15, 5])[0]
                )
            if kind == "multigen":
                self.person(hh, rng.choice("MF"), rng.randint(18, 30), surname)
                self.person(
                    hh, "F" if rng.random() < 0.7 else "M", self.pensioner_age(), self.surname(), married=True
                )
        elif kind == "lone_parent":
            sex = "F" if rng.random() < 0.86 else "M"
            age = self.adult_age(20, 54)
            surname = self.surname()
            self.person(hh, sex, age, surname, married=rng.random() < 0.3)
            self.children(hh, surname, age, rng.choices([1, 2, 3], [50, 37, 13])[0])
        elif kind == "sharers":
            for _ in range(rng.choice([2, 2, 3, 3, 4])):
                self.person(hh, rng.choice("MF"), self.adult_age(19, 36), self.surname())
        elif kind == "care_home":
            for _ in range(rng.randint(18, 45)):
                self.person(
                    hh,
                    "F" if rng.random() < 0.7 else "M",
                    max(70, self.pensioner_age() + 8),
                    self.surname(),
                    married=rng.random() < 0.6,
                )

    def children(self, hh: Household, surname: str, parent_age: int, count: int) -> None:
        oldest = min(17, parent_age - 18)
        for _ in range(count):
            if oldest < 0:
                return
            self.person(hh, self.rng.choice("MF"), self.rng.randint(0, oldest), surname)


def populate_borough(layout: Layout, seed: int) -> Census:
    """Households at (most) residential UPRNs and in care homes, with every person's attributes."""
    census = Census(seed)
    rng = census.rng
    for a in layout.addresses:
        if a.classification == "RI01":
            hh = _household(census, a, "care_home", communal=True)
        elif a.is_residential and rng.random() > 0.03:  # about 3% of homes stand empty
            kinds = KINDS_FLAT if a.classification == "RD06" else KINDS_HOUSE
            hh = _household(census, a, rng.choices(*zip(*kinds, strict=True))[0])
            hh.bedrooms = rng.choices(*zip(*BEDROOMS[a.classification], strict=True))[0]
        else:
            continue
        census.populate(hh)
        if not hh.members:  # a family whose children could not be born to parents that young
            census.households.pop()
    _identifiers(census)
    for hh in census.households:
        _attributes(census, hh)
    return census


def _household(census: Census, a: Address, kind: str, *, communal: bool = False) -> Household:
    d = census.deprivation.at(a.x, a.y) + (0.08 if a.classification == "RD06" else 0.0)
    hh = Household(f"H{len(census.households) + 1:06d}", a.uprn, kind, min(1.0, d), communal=communal)
    census.households.append(hh)
    return hh


def _identifiers(census: Census) -> None:
    """NHS numbers for all; a shared landline for some households; e-mail for some adults."""
    rng = census.rng
    for p, nhs in zip(census.people, draw_nhs_numbers(census.np_rng, len(census.people)), strict=True):
        p.nhs_number = str(nhs)
    phones = phone_pool()
    rng.shuffle(phones)
    for hh in census.households:
        if not hh.communal and phones and rng.random() < 0.42:
            number = phones.pop()
            for p in hh.members:
                if p.age >= 16:
                    p.phone = number
    for p in census.people:
        if p.age >= 16 and rng.random() < (0.6 if p.age < 70 else 0.25):
            user = f"{names_ascii(p.first_name)}.{names_ascii(p.surname)}".lower()
            p.email = f"{user}{rng.randint(1, 99)}@{EMAIL_DOMAINS[rng.randrange(3)]}"


def names_ascii(text: str) -> str:
    return ascii_fold(text).replace("'", "").replace(" ", "")


def _attributes(census: Census, hh: Household) -> None:
    rng = census.rng
    d = hh.deprivation
    hh.low_income = rng.random() < 0.06 + 0.45 * d
    older = any(p.age >= 75 for p in hh.members)
    hh.fuel_poor = not hh.communal and rng.random() < (0.45 if hh.low_income else 0.04) + (
        0.05 if older else 0
    )
    if not hh.communal:
        adults = sum(1 for p in hh.members if p.age >= 17)
        fewer = 0.3 if hh.kind in ("single_pensioner", "sharers") else 0.0
        base = max(0.05, 0.35 + adults * 0.75 - 0.9 * d - fewer)
        hh.cars = min(4, adults + 1, int(census.np_rng.poisson(base)))  # rarely more cars than drivers
    broadband = rng.random() < (0.93 - (0.2 if hh.low_income else 0) - (0.2 if older else 0))
    alone = len(hh.members) == 1 and not hh.communal
    for p in hh.members:
        age = p.age
        p.lives_alone = alone
        p.has_broadband = broadband and not hh.communal
        p.has_device = rng.random() < (0.95 if age < 65 else 0.8 if age < 75 else 0.55) - (
            0.3 if hh.communal else 0
        )
        frailty = age / 100 + 0.45 * d + rng.gauss(0, 0.18) + (0.25 if hh.communal else 0)
        p.general_health = HEALTH[min(4, max(0, int(frailty * 3.0 - 0.55)))]
        bad = HEALTH.index(p.general_health)
        lot, little = ((0.005, 0.02), (0.02, 0.08), (0.15, 0.4), (0.45, 0.4), (0.7, 0.25))[bad]
        r = rng.random()
        p.activity_limitation = LIMITATION[0 if r < lot else 1 if r < lot + little else 2]
        p.shielding = rng.random() < _shielding_rate(age, hh.communal) * (1.8 if bad >= 3 else 1.0)
        p.asc_client = rng.random() < (0.85 if hh.communal else _asc_rate(age) * (2.0 if bad >= 3 else 1.0))
        if age >= 16:
            p.unpaid_care = CARE[rng.choices([0, 1, 2, 3], [88, 7, 2, 3])[0]]
            p.qualification = _qualification(rng, age, d)
        p.fsm = 4 <= age <= 15 and hh.low_income and rng.random() < 0.9
        if age >= 70 and rng.random() < 0.005:
            p.deceased = (REFERENCE_DATE - timedelta(days=rng.randint(5, 150))).isoformat()


def _shielding_rate(age: int, communal: bool) -> float:
    if communal:
        return 0.35
    return 0.003 if age < 18 else 0.015 if age < 50 else 0.045 if age < 70 else 0.11


def _asc_rate(age: int) -> float:
    return 0.002 if age < 18 else 0.012 if age < 65 else 0.06 if age < 85 else 0.22


def _qualification(rng: random.Random, age: int, d: float) -> str:
    none_w = 10 + 40 * d + max(0, age - 50) * 0.6
    high_w = max(5.0, 40 - 35 * d - max(0, age - 60) * 0.4)
    weights = [none_w, 13, 15, 4, 12 + (8 if age < 30 else 0), high_w, 6]
    return rng.choices(QUALIFICATION, weights)[0]
