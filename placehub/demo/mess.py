"""General mess: the ways people and systems write an address, a name, a date or a postcode differently.

Nothing here targets a particular matcher. The errors are the everyday ones seen in partner files: street
types abbreviated (ROAD -> RD), localities dropped or added, commas missing, flats written three ways ("FLAT
3, 12 HIGH STREET" / "12C HIGH STREET" / "3/12 HIGH ST"), typing slips, wrong-case text, postcodes missing,
one character off or borrowed from the next street section. A small share is genuinely ambiguous: the flat
number dropped in a block, a house known only by its name.
"""

from __future__ import annotations

import random
import re
import unicodedata

from placehub.demo import names
from placehub.demo.addresses import Address

KEYBOARD_NEIGHBOURS = {
    "A": "QSZ",
    "B": "VNG",
    "C": "XVD",
    "D": "SFE",
    "E": "WRD",
    "F": "DGR",
    "G": "FHT",
    "H": "GJY",
    "I": "UOK",
    "J": "HKU",
    "K": "JLI",
    "L": "KO",
    "M": "NJ",
    "N": "BMH",
    "O": "IPL",
    "P": "OL",
    "Q": "WA",
    "R": "ETF",
    "S": "ADW",
    "T": "RYG",
    "U": "YIJ",
    "V": "CBF",
    "W": "QES",
    "X": "ZC",
    "Y": "TUH",
    "Z": "XA",
}
FLOOR_VARIANTS = {
    "GROUND FLOOR FLAT": ["GROUND FLOOR", "GRD FLR FLAT", "FLAT GROUND FLOOR", "G/F FLAT"],
    "FIRST FLOOR FLAT": ["1ST FLOOR FLAT", "FIRST FLOOR", "FLAT 1ST FLOOR", "1ST FLR FLAT"],
    "SECOND FLOOR FLAT": ["2ND FLOOR FLAT", "SECOND FLOOR", "2ND FLR FLAT"],
    "TOP FLOOR FLAT": ["TOP FLAT", "TOP FLOOR"],
    "FLAT ABOVE": ["FLAT OVER SHOP", "FIRST FLOOR FLAT"],
    "GROUND FLOOR": ["SHOP", "GROUND FLOOR SHOP"],
}
_FLAT_NUMBER = re.compile(r"^(FLAT|APARTMENT) (\w+)$")


def typo(rng: random.Random, word: str) -> str:
    """One typing slip: a swapped, dropped, doubled or neighbouring key (letters only; digits stay)."""
    positions = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(positions) < 4:
        return word
    i = rng.choice(positions[1:-1])
    op = rng.randrange(4)
    if op == 0 and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    repl = rng.choice(KEYBOARD_NEIGHBOURS.get(word[i].upper(), "E"))
    return word[:i] + (repl if word[i].isupper() else repl.lower()) + word[i + 1 :]


def street_variant(rng: random.Random, street: str, *, abbreviate: float = 0.3, slip: float = 0.06) -> str:
    words = street.split()
    if rng.random() < abbreviate and words[-1] in names.STREET_TYPE_ABBREVIATIONS:
        words[-1] = names.STREET_TYPE_ABBREVIATIONS[words[-1]]
    if rng.random() < slip:
        longest = max(range(len(words)), key=lambda k: len(words[k]))
        words[longest] = typo(rng, words[longest])
    return " ".join(words)


def case_variant(rng: random.Random, text: str, weights: tuple[int, int, int] = (50, 42, 8)) -> str:
    style = rng.choices(["upper", "title", "lower"], weights)[0]
    if style == "upper":
        return text.upper()
    if style == "lower":
        return text.lower()
    return re.sub(r"\b([A-Za-z])([A-Za-z']*)", lambda m: m.group(1).upper() + m.group(2).lower(), text)


def _flat_lines(rng: random.Random, a: Address, street: str) -> list[str]:
    """The lines for a property with a sub-building (a flat or a shop unit), in one of the usual notations."""
    number = a.number_text
    sao = a.sao_text
    if not sao:  # converted flat recorded as "12A" with a parent (no SAO)
        if rng.random() < 0.3:
            return [f"FLAT {a.pao_suffix}", f"{a.pao_number} {street}"]
        return [f"{number} {street}"]
    m = _FLAT_NUMBER.match(sao)
    if sao in FLOOR_VARIANTS and rng.random() < 0.4:
        sao = rng.choice(FLOOR_VARIANTS[sao])
    elif m and rng.random() < 0.15:
        labels = ["FLT", "APT", "FLAT", "APARTMENT"] + (["FLAT NO"] if m.group(2).isdigit() else [])
        sao = f"{rng.choice(labels)} {m.group(2)}"
    building = [f"{number} {street}" if number else street]
    r = rng.random()
    if a.pao_text:  # purpose-built block
        if number and r < 0.2:
            return [sao, building[0]]  # block name dropped
        if number and m and r < 0.3:
            return [f"{m.group(2)}/{number} {street}"]  # 3/12 HIGH ST
        if r < 0.4:
            return [f"{sao} {a.pao_text}", *building]  # no comma after the flat
        return [sao, a.pao_text, *building]
    if m and r < 0.3:  # converted house, "12C HIGH STREET" or "3/12 HIGH ST"
        flat = m.group(2)
        letter = flat if flat.isalpha() else "ABCDEFGH"[int(flat) - 1] if int(flat) <= 8 else flat
        return (
            [f"{number}{letter} {street}"]
            if flat.isalpha() or rng.random() < 0.5
            else [f"{flat}/{number} {street}"]
        )
    return [sao, *building]


def address_lines(rng: random.Random, a: Address, *, ambiguous: float = 0.015) -> list[str]:
    """The lines of a messy address for a gazetteer property (no postcode, case not yet varied)."""
    street = street_variant(rng, a.street)
    if rng.random() < ambiguous:
        lines = _ambiguous_lines(rng, a, street)
    elif a.parent_uprn:
        lines = _flat_lines(rng, a, street)
    else:
        lines = []
        if a.pao_text and (rng.random() < 0.9 or not a.number_text):
            lines.append(a.pao_text)
        lines.append(f"{a.number_text} {street}" if a.number_text else street)
        if a.number_text and rng.random() < 0.12:
            lines[-1:] = [a.number_text, street]  # "12, HIGH STREET" as two lines
    if a.locality and rng.random() < 0.65:
        lines.append(a.locality if rng.random() > 0.05 else typo(rng, a.locality))
    elif not a.locality and rng.random() < 0.03:
        lines.append(rng.choice(names.LOCALITIES))  # a neighbouring area given as locality
    if rng.random() < 0.6:
        lines.append(a.town)
    return lines


def render_address(
    rng: random.Random, a: Address, neighbours: dict[str, list[str]], *, ambiguous: float = 0.015
) -> tuple[str, str]:
    """A messy single-line address and postcode for a gazetteer property, as a partner might have keyed it."""
    lines = address_lines(rng, a, ambiguous=ambiguous)
    joiner = rng.choices([", ", " ", ",", " , "], [70, 20, 7, 3])[0]
    text = joiner.join(lines)
    if rng.random() < 0.03:
        text += rng.choice([".", ",", "  "])
    return case_variant(rng, text), postcode_variant(rng, a.postcode, neighbours)


def _ambiguous_lines(rng: random.Random, a: Address, street: str) -> list[str]:
    """Genuinely under-specified forms: the flat dropped, or a named house without its street."""
    if a.parent_uprn and a.pao_text:
        return [a.pao_text, f"{a.number_text} {street}" if a.number_text else street]
    if a.parent_uprn:
        return [f"{a.pao_number} {street}"]
    if a.pao_text:
        return [a.pao_text]
    return [street]  # the house number forgotten


def postcode_variant(rng: random.Random, postcode: str, neighbours: dict[str, list[str]]) -> str:
    r = rng.random()
    if r < 0.07:
        return ""
    if r < 0.11:
        return postcode.replace(" ", "")
    if r < 0.14:
        return postcode.lower()
    if r < 0.165:
        return postcode_slip(rng, postcode)
    if r < 0.185 and neighbours.get(postcode):
        return rng.choice(neighbours[postcode])
    return postcode


def postcode_slip(rng: random.Random, postcode: str) -> str:
    """One character of the inward code mistyped (a format-valid but wrong postcode)."""
    outward, inward = postcode.split(" ")
    if rng.random() < 0.4:
        inward = str((int(inward[0]) + rng.choice([1, 9])) % 10) + inward[1:]
    else:
        i = rng.choice([1, 2])
        inward = inward[:i] + rng.choice("ABDEFGHJLNPQRSTUWXYZ".replace(inward[i], "")) + inward[i + 1 :]
    return f"{outward} {inward}"


def postcode_neighbours(addresses: list[Address]) -> dict[str, list[str]]:
    """For each postcode, the other postcodes on the same street (the ones people confuse)."""
    by_street: dict[str, list[str]] = {}
    for a in addresses:
        codes = by_street.setdefault(a.usrn, [])
        if a.postcode not in codes:
            codes.append(a.postcode)
    result: dict[str, list[str]] = {}
    for codes in by_street.values():
        for c in codes:
            result.setdefault(c, []).extend(o for o in codes if o != c)
    return result


# ---- people ------------------------------------------------------------------------------------------

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def date_variant(
    rng: random.Random, iso: str, formats: tuple[str, ...] = ("dmy/", "iso", "dmon2", "dmy.")
) -> str:
    """An ISO date in one of the UK forms partners send: 31/01/1948, 1948-01-31, 31-JAN-48, 31.01.1948."""
    y, m, d = iso.split("-")
    fmt = rng.choice(formats)
    if fmt == "iso":
        return iso
    if fmt == "dmon2":
        return f"{d}-{MONTHS[int(m) - 1]}-{y[2:]}"
    if fmt == "dmy.":
        return f"{d}.{m}.{y}"
    if fmt == "dmy-":
        return f"{d}-{m}-{y}"
    return f"{d}/{m}/{y}"


def swap_day_month(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}-{d}-{m}" if int(d) <= 12 and d != m else iso


def name_variant(rng: random.Random, first: str, *, nickname: float = 0.08, slip: float = 0.04) -> str:
    if rng.random() < nickname and first in names.NICKNAMES:
        return rng.choice(names.NICKNAMES[first])
    if rng.random() < slip:
        return typo(rng, first)
    return first


def ascii_fold(text: str) -> str:
    """How systems that cannot hold accents write names: Zoë -> Zoe, O’Brien -> O'Brien."""
    text = text.replace("’", "'").replace("–", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
