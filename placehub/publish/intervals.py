"""What an attacker can work out about hidden cells: integer programming over everything published.

The attacker knows the rule set (it is in every release's metadata) and every published figure of a
definition's releases. For each hidden cell we ask two integer programmes (``scipy.optimize.milp``) for the
smallest and largest true count consistent with all of it:

* every interior count ``x`` is a whole number ≥ 0 with a rounded value ``base·k``, ``|x − base·k| ≤ slack``;
* a published interior value ``p`` fixes ``k = p / base``; a non-zero one also says ``x > threshold``, and 0
  says ``x = 0``; a hidden interior cell is at least 1 (zeros are never hidden);
* a published margin ``M`` fixes the sum of its members' rounded values (totals are built from them); a shown
  0 says its true total is 0 and any other shown total says it is above the threshold; a hidden margin is at
  least 1;
* earlier releases add their own constraints; a cell whose true count did not change between releases is the
  same unknown in both (the worst case: we grant the attacker knowledge of which cells changed).

A hidden cell is **protected** when the feasible range holds at least as many whole numbers as the suppressed
range (``hi − lo + 1 ≥ threshold``). A solver stopped by its time limit returns feasible points, which can
only understate the range, so a "protected" verdict is never too generous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from placehub.publish.rules import RuleSet
from placehub.publish.table import Cell, CountTable

BIG = 10**6  # an upper bound on any count (a borough's population is far smaller)


@dataclass(frozen=True)
class Observed:
    """One release as an attacker sees it: the table's shape, its published values and the rule set."""

    shape: CountTable  # only rows, columns and dimension names are read: never the true values
    published: dict[Cell, int | None]
    rules: RuleSet


@dataclass(frozen=True)
class Interval:
    lo: int
    hi: int

    @property
    def possible_values(self) -> int:
        return self.hi - self.lo + 1


class AttackModel:
    """The integer programme over one or more releases; ``same`` links unchanged interior cells."""

    def __init__(self, releases: Sequence[Observed], same: Sequence[tuple[int, Cell, int, Cell]] = ()):
        self.releases = list(releases)
        parent: dict[tuple[int, Cell], tuple[int, Cell]] = {}

        def find(a: tuple[int, Cell]) -> tuple[int, Cell]:
            while parent.get(a, a) != a:
                a = parent[a]
            return a

        for j, c1, k, c2 in same:
            a, b = find((j, c1)), find((k, c2))
            if a != b:
                parent[b] = a
        self.x: dict[tuple[int, Cell], int] = {}  # interior cell → index of its true-count variable
        roots: dict[tuple[int, Cell], int] = {}
        n = 0
        for j, rel in enumerate(self.releases):
            for cell in rel.shape.interior():
                root = find((j, cell))
                if root not in roots:
                    roots[root] = n
                    n += 1
                self.x[(j, cell)] = roots[root]
        self.k: dict[tuple[int, Cell], int] = {}  # rounded-value multiplier per release and cell
        for j, rel in enumerate(self.releases):
            for cell in rel.shape.interior():
                self.k[(j, cell)] = n
                n += 1
        self.n = n
        self._build()

    def _build(self) -> None:
        lb = np.zeros(self.n)
        ub = np.full(self.n, float(BIG))
        rows: list[tuple[dict[int, float], float, float]] = []
        for j, rel in enumerate(self.releases):
            base, slack, t = rel.rules.round_to, rel.rules.slack, rel.rules.suppress_up_to
            for cell in rel.shape.interior():
                xi, ki = self.x[(j, cell)], self.k[(j, cell)]
                rows.append(({xi: 1.0, ki: -base}, -slack, slack))
                p = rel.published[cell]
                if p is None:
                    lb[xi] = max(lb[xi], 1)
                elif p == 0:
                    ub[xi] = 0
                    ub[ki] = 0
                else:
                    lb[ki] = ub[ki] = p / base
                    lb[xi] = max(lb[xi], t + 1)
            for m in rel.shape.margins():
                members = rel.shape.members(m)
                total = rel.published[m]
                xs: dict[int, float] = {}
                for c in members:
                    xs[self.x[(j, c)]] = xs.get(self.x[(j, c)], 0.0) + 1.0
                if total is None:
                    rows.append((xs, 1, np.inf))
                    continue
                rows.append(({self.k[(j, c)]: 1.0 for c in members}, total / base, total / base))
                if total == 0:  # only a true total of 0 is shown as 0
                    rows.append((xs, 0, 0))
                else:  # a shown total is never small
                    rows.append((xs, t + 1, np.inf))
        a = lil_matrix((len(rows), self.n))
        lo, hi = np.empty(len(rows)), np.empty(len(rows))
        for r, (coefs, rl, rh) in enumerate(rows):
            for col, v in coefs.items():
                a[r, col] = v
            lo[r], hi[r] = rl, rh
        self.constraints = LinearConstraint(a.tocsr(), lo, hi) if rows else None
        self.bounds = Bounds(lb, ub)

    def _objective(self, j: int, cell: Cell) -> np.ndarray:
        c = np.zeros(self.n)
        cells = self.releases[j].shape.members(cell) if cell.is_margin else [cell]
        for m in cells:
            c[self.x[(j, m)]] += 1.0
        return c

    def interval(self, j: int, cell: Cell, *, time_limit: float = 20.0) -> Interval:
        """The smallest and largest true count of ``cell`` in release ``j`` that fit what is published."""
        c = self._objective(j, cell)
        opts = {"time_limit": time_limit, "presolve": True}
        ends = []
        for sign in (1.0, -1.0):
            res = milp(
                sign * c,
                integrality=np.ones(self.n),
                bounds=self.bounds,
                constraints=self.constraints,
                options=opts,
            )
            if res.x is None:
                raise RuntimeError(f"the published figures admit no solution ({res.message})")
            ends.append(int(round(float(c @ res.x))))
        return Interval(ends[0], ends[1])


def protected(interval: Interval, rules: RuleSet) -> bool:
    return interval.possible_values >= rules.suppress_up_to
