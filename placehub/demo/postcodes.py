"""Fictional, format-valid postcodes: one per run of about 15 properties on one side of a street.

The area is "YQ". It passes Royal Mail's positional rules (Y may open a postcode; Q may stand second) and the
common validation patterns, yet no postcode area YQ exists (the only Y area is YO, York), so a demo address
can never be mistaken for, or geocoded to, a real one. ("XM", used for Santa's XM4 5HQ, breaks the rule that X
never opens a postcode; "ZZ" breaks the rule on the second letter.) Districts follow the neighbourhoods (YQ1
is the town centre), sectors fill in turn, and unit letters avoid C, I, K, M, O and V as Royal Mail's do.
"""

from __future__ import annotations

import random
import re
from itertools import groupby

from placehub.demo.addresses import Address

AREA = "YQ"
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")


def assign_postcodes(rng: random.Random, addresses: list[Address], district_of: dict[str, int]) -> None:
    """Give each run of ~15 properties along a street side the next postcode of its district."""
    units = [a + b for a in UNIT_LETTERS for b in UNIT_LETTERS]
    sectors: dict[int, list] = {}  # district -> [sector digit, remaining capacity, shuffled unit codes]

    def next_postcode(district: int) -> str:
        state = sectors.get(district)
        if state is None or state[1] == 0:
            digit = 1 if state is None else (state[0] + 1) % 10
            codes = units[:]
            rng.shuffle(codes)
            state = [digit, rng.randint(60, 140), codes]
            sectors[district] = state
        state[1] -= 1
        return f"{AREA}{district} {state[0]}{state[2].pop()}"

    # Addresses arrive street by street and plot by plot, so groupby keeps each street side together.
    for (_usrn, _side), side_iter in groupby(addresses, key=lambda a: (a.usrn, a.side)):
        district = district_of[_usrn]
        current, count, target = "", 0, 0
        for _plot, plot_iter in groupby(side_iter, key=lambda a: a.plot):
            plot = list(plot_iter)
            if not current or count >= target or (len(plot) > 8 and count > 0):
                current, count, target = next_postcode(district), 0, rng.randint(9, 20)
            for a in plot:
                a.postcode = current
            count += len(plot)
