"""Properties along the streets: houses, named houses, converted and purpose-built flats, shops and services.

Every property gets a unique, random-looking 12-digit UPRN; flats get a PARENT_UPRN (the block or converted
house, classified PP "property shell"), as in AddressBase and local LLPGs. Classification codes follow
AddressBase: RD02 detached, RD03 semi-detached, RD04 terraced, RD06 self-contained flat, RI01 care home,
CE02 nursery, CE03 primary school, CE04 secondary school, CM02 GP surgery, CR.. retail.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from placehub.demo import names
from placehub.demo.streets import Street

RESIDENTIAL = frozenset({"RD02", "RD03", "RD04", "RD06"})


@dataclass
class Address:
    uprn: str
    parent_uprn: str
    usrn: str
    classification: str
    sao_text: str  # "FLAT 3", "FIRST FLOOR FLAT"
    pao_text: str  # building or house name: "ROWAN COURT", "ROSE COTTAGE"
    pao_number: int | None
    pao_suffix: str
    street: str
    locality: str
    town: str
    postcode: str
    x: float
    y: float
    plot: int  # properties of one plot (a block and its flats) share a point and a postcode
    side: int
    lsoa: str = ""
    msoa: str = ""
    ward: str = ""

    @property
    def is_residential(self) -> bool:
        return self.classification in RESIDENTIAL

    @property
    def number_text(self) -> str:
        return f"{self.pao_number}{self.pao_suffix}" if self.pao_number is not None else ""

    @property
    def line(self) -> str:
        """The single-line address as the gazetteer renders it (no postcode)."""
        parts = [self.sao_text, self.pao_text]
        parts.append(f"{self.number_text} {self.street}" if self.number_text else self.street)
        parts += [self.locality, self.town]
        return ", ".join(p for p in parts if p)


# Plot kinds per cell character: (kind, weight). Width of each kind's frontage in metres below.
PLOT_MIX = {
    "centre": [("RD04", 30), ("converted", 20), ("block", 10), ("shop", 28), ("shop_flat", 12)],
    "urban": [("RD04", 58), ("RD03", 18), ("converted", 14), ("block", 3), ("shop", 2)],
    "suburban": [("RD03", 58), ("RD02", 24), ("RD04", 14), ("converted", 2), ("block", 1.2), ("named", 2)],
    "rural": [("RD02", 70), ("RD03", 22), ("named", 8)],
}
WIDTH = {
    "RD04": 5.5,
    "RD03": 8.0,
    "RD02": 15.0,
    "named": 22.0,
    "converted": 7.0,
    "block": 30.0,
    "shop": 6.0,
    "shop_flat": 6.0,
}
FLOOR_FLATS = ["GROUND FLOOR FLAT", "FIRST FLOOR FLAT", "SECOND FLOOR FLAT", "TOP FLOOR FLAT"]


class Builder:
    """Lays out the plots of each street side and collects the addresses (UPRNs are given at the end)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.addresses: list[Address] = []
        self.plot = 0
        self.block_names: dict[str, set[str]] = {}

    def _add(
        self,
        street: Street,
        side: int,
        x: float,
        y: float,
        classification: str,
        *,
        sao: str = "",
        pao: str = "",
        number: int | None = None,
        suffix: str = "",
        parent: int | None = None,
    ) -> int:
        self.addresses.append(
            Address(
                uprn="",
                parent_uprn="" if parent is None else f"#{parent}",
                usrn=street.usrn,
                classification=classification,
                sao_text=sao,
                pao_text=pao,
                pao_number=number,
                pao_suffix=suffix,
                street=street.name,
                locality=street.locality,
                town=street.town,
                postcode="",
                x=round(x, 1),
                y=round(y, 1),
                plot=self.plot,
                side=side,
            )
        )
        return len(self.addresses) - 1

    def _block_name(self, locality: str) -> str:
        used = self.block_names.setdefault(locality, set())
        while True:
            stem = self.rng.choice(names.BLOCK_STEMS + names.STREET_STEMS)
            name = f"{stem} {self.rng.choice(names.BLOCK_TYPES)}"
            if name not in used:
                used.add(name)
                return name

    def street(self, street: Street) -> None:
        rng = self.rng
        character = street.cell.character
        kinds, weights = zip(*PLOT_MIX[character], strict=True)
        dx, dy = (street.x1 - street.x0) / street.length, (street.y1 - street.y0) / street.length
        for side in (0, 1):
            number = 1 if side == 0 else 2
            normal = 12.0 if side == 0 else -12.0
            pos = 4.0
            while True:
                kind = rng.choices(kinds, weights)[0]
                width = WIDTH[kind] * rng.uniform(0.9, 1.15)
                if pos + width > street.length - 3:
                    break
                t = pos + width / 2
                x = street.x0 + dx * t - dy * normal + rng.uniform(-0.8, 0.8)
                y = street.y0 + dy * t + dx * normal + rng.uniform(-0.8, 0.8)
                pos += width
                if number == 13 and rng.random() < 0.3:  # many streets skip 13
                    number += 2
                self.plot += 1
                used_number = self._plot(street, side, x, y, kind, number)
                if used_number:
                    number += 2

    def _plot(self, street: Street, side: int, x: float, y: float, kind: str, number: int) -> bool:
        """Add one plot's properties; return whether it used the next house number."""
        rng = self.rng
        if kind in ("RD02", "RD03", "RD04"):
            if kind == "RD02" and rng.random() < 0.12:  # "THE LIMES, 14 ..."
                self._add(street, side, x, y, kind, pao=rng.choice(names.HOUSE_NAMES), number=number)
            else:
                self._add(street, side, x, y, kind, number=number)
            if kind == "RD04" and rng.random() < 0.012:  # infill house squeezed in later: 12A
                self.plot += 1
                self._add(street, side, x + 1.5, y + 1.5, kind, number=number, suffix="A")
            return True
        if kind == "named":  # a house known only by its name
            self._add(street, side, x, y, "RD02", pao=rng.choice(names.HOUSE_NAMES))
            return False
        if kind == "converted":
            parent = self._add(street, side, x, y, "PP", number=number)
            flats = rng.choice([2, 2, 3, 3, 4])
            style = rng.choices(["letter", "floor", "number", "suffix"], [40, 30, 15, 15])[0]
            for i in range(flats):
                if style == "suffix":
                    self._add(street, side, x, y, "RD06", number=number, suffix="ABCD"[i], parent=parent)
                    continue
                sao = {"letter": f"FLAT {'ABCD'[i]}", "floor": FLOOR_FLATS[i], "number": f"FLAT {i + 1}"}[
                    style
                ]
                self._add(street, side, x, y, "RD06", sao=sao, number=number, parent=parent)
            return True
        if kind == "block":
            numbered = rng.random() < 0.6
            block = self._block_name(street.locality)
            parent = self._add(street, side, x, y, "PP", pao=block, number=number if numbered else None)
            size = rng.randint(10, 30) if street.cell.character == "centre" else rng.randint(6, 18)
            label = "APARTMENT" if rng.random() < 0.15 else "FLAT"
            for i in range(1, size + 1):
                self._add(
                    street,
                    side,
                    x,
                    y,
                    "RD06",
                    sao=f"{label} {i}",
                    pao=block,
                    number=number if numbered else None,
                    parent=parent,
                )
            return numbered
        code, _ = rng.choice(names.SHOP_NAMES)
        if kind == "shop":
            self._add(street, side, x, y, code, number=number)
            return True
        parent = self._add(street, side, x, y, "PP", number=number)  # shop with a flat above
        self._add(street, side, x, y, code, sao="GROUND FLOOR", number=number, parent=parent)
        self._add(
            street,
            side,
            x,
            y,
            "RD06",
            sao=rng.choice(["FIRST FLOOR FLAT", "FLAT ABOVE"]),
            number=number,
            parent=parent,
        )
        return True


def place_services(rng: random.Random, addresses: list[Address], households: int) -> None:
    """Turn some ordinary houses into care homes, schools, nurseries and GP surgeries (roughly per head)."""
    quotas = [
        ("RI01", max(1, round(households / 4000)), names.CARE_HOME_NAMES),
        ("CE03", max(1, round(households / 2200)), None),
        ("CE04", max(1, round(households / 9000)), None),
        ("CE02", max(1, round(households / 6000)), None),
        ("CM02", max(1, round(households / 4500)), names.GP_NAMES),
    ]
    # Services take a detached or semi-detached plot where there is one, a terraced one otherwise.
    plain = [a for a in addresses if not a.pao_text and not a.pao_suffix and not a.parent_uprn]
    candidates = [a for a in plain if a.classification == "RD04"]
    roomy = [a for a in plain if a.classification in ("RD02", "RD03")]
    rng.shuffle(candidates)
    rng.shuffle(roomy)
    candidates += roomy  # popped from the end: roomy plots first
    used_names: set[str] = set()
    for code, count, pool in quotas:
        for _ in range(count):
            if not candidates:
                return
            a = candidates.pop()
            a.classification = code
            a.pao_text = _service_name(rng, code, pool, a, used_names)
            if rng.random() < 0.5:
                a.pao_number = None


def _service_name(rng: random.Random, code: str, pool: list[str] | None, a: Address, used: set[str]) -> str:
    kind = {"CE03": "PRIMARY SCHOOL", "CE04": "ACADEMY", "CE02": "NURSERY"}.get(code, "")
    for _ in range(100):
        if pool:
            name = rng.choice(pool)
        else:
            stem = rng.choice([*names.SCHOOL_STEMS, a.locality or names.POST_TOWN])
            name = f"{stem} {rng.choice(['CHURCH OF ENGLAND ', 'COMMUNITY ', '', ''])}{kind}".replace(
                "  ", " "
            )
        if name not in used:
            used.add(name)
            return name
    return f"{a.street} {kind or 'CENTRE'}"


def assign_uprns(rng: random.Random, addresses: list[Address]) -> None:
    """Unique 12-digit UPRNs, random-looking: older properties 1000..., newer flats 2000... (as real ones)."""
    values = rng.sample(range(100_000_000), len(addresses))
    for a, v in zip(addresses, values, strict=True):
        prefix = 2000 if a.classification == "RD06" and v % 3 == 0 else 1000
        a.uprn = f"{prefix}{v:08d}"
    for a in addresses:
        if a.parent_uprn:
            a.parent_uprn = addresses[int(a.parent_uprn[1:])].uprn


def distance(a: Address, b: Address) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)
