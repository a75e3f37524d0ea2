"""Disclosure control: primary suppression, rounding, totals from rounded cells, secondary suppression.

``protect(table, rules, earlier)`` returns the table as it may be published and the log of every hidden cell.

1. **Primary**: an interior count from 1 to the threshold is hidden; so is a margin whose true total, or whose
   total of rounded cells, is in that range.
2. **Rounding**: every other count is rounded to the nearest ``round_to`` (0 stays 0); each margin is the sum
   of its members' rounded values, so published tables add up.
3. **Secondary**: a cell hidden in an earlier release of the same definition and unchanged since stays
   hidden, and no shown total keeps a single hidden cell in its line. Then, while the attacker's integer
   programme (``intervals.AttackModel``) can narrow a primary cell (of this release, or of an earlier one
   combined with this) to fewer values than the suppressed range holds, one more cell is hidden: the
   candidate (in its lines, beside its hidden neighbours, anywhere) that protects it, else the one that
   widens its range most. Hiding only ever widens ranges, so the loop ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from placehub.errors import PlacehubUserError
from placehub.publish.intervals import AttackModel, Observed, protected
from placehub.publish.rules import RuleSet
from placehub.publish.table import Cell, CountTable, Hidden, ProtectedTable


class DisclosureRisk(PlacehubUserError):
    """A table that no pattern of suppression makes safe (never published)."""


@dataclass(frozen=True)
class Earlier:
    """An earlier release of the same definition: what it published, and (privately) its true counts."""

    protected: ProtectedTable
    rules: RuleSet


def rounded_values(table: CountTable, rules: RuleSet) -> dict[Cell, int]:
    out = {c: rules.rounded(table.true(c)) for c in table.interior()}
    for m in table.margins():
        out[m] = sum(out[c] for c in table.members(m))
    return out


def primary(table: CountTable, rules: RuleSet, rounded: dict[Cell, int]) -> list[Hidden]:
    hidden = []
    for c in table.interior():
        if rules.is_small(table.true(c)):
            hidden.append(Hidden(c, "primary", f"count between 1 and {rules.suppress_up_to}"))
    for m in table.margins():
        if rules.is_small(table.true(m)):
            hidden.append(Hidden(m, "primary", f"total between 1 and {rules.suppress_up_to}"))
        elif table.true(m) > 0 and rounded[m] <= rules.suppress_up_to:
            # e.g. many 1s and 2s that round to 0: a total of 0 (or 5) would both mislead and tell an
            # attacker that every hidden cell in its line is tiny
            hidden.append(Hidden(m, "primary", "total of rounded cells would show zero or a small number"))
    return hidden


def _published(table: CountTable, rounded: dict[Cell, int], hidden: set[Cell]) -> dict[Cell, int | None]:
    return {c: None if c in hidden else rounded[c] for c in [*table.interior(), *table.margins()]}


def _same_cells(earlier: CountTable, current: CountTable) -> list[tuple[Cell, Cell]]:
    """Interior cells whose true count did not change between two releases (the attacker may know which)."""
    rows, cols = set(current.rows), set(current.columns)
    return [
        (c, c)
        for c in earlier.interior()
        if c.row in rows and c.column in cols and earlier.true(c) == current.true(c)
    ]


def _open(table: CountTable, c: Cell, hidden: set[Cell], rounded: dict[Cell, int]) -> bool:
    """A cell that could still be hidden: shown and not zero (hiding a zero would protect nothing)."""
    return c not in hidden and table.true(c) > 0


def _cheapest(
    table: CountTable,
    cells: list[Cell],
    hidden: set[Cell],
    rounded: dict[Cell, int],
    line: Cell | None = None,
) -> Cell | None:
    """The cell whose hiding costs least: one whose other line (not ``line``) already hides a cell (closing a
    rectangle, so no line is left with a single unknown), then the smallest count."""

    def crosses_hidden(c: Cell) -> int:
        if c.is_margin:
            return 1
        others = [m for m in table.lines(c) if m != line]
        return 0 if any(x in hidden for m in others for x in table.members(m) if x != c) else 1

    cells = [c for c in cells if _open(table, c, hidden, rounded)]
    if not cells:
        return None
    return min(cells, key=lambda c: (crosses_hidden(c), table.true(c), c.key()))


def _balance_lines(table: CountTable, hidden: set[Cell], rounded: dict[Cell, int], log: list[Hidden]) -> None:
    """The quick part of secondary suppression: no shown total may have exactly one hidden cell in its line
    (subtraction would give it away to within rounding)."""
    changed = True
    while changed:
        changed = False
        for m in table.margins():
            if m in hidden:
                continue
            members = table.members(m)
            alone = [c for c in members if c in hidden]
            if len(alone) != 1:
                continue
            extra = _cheapest(table, [c for c in members if c != alone[0]], hidden, rounded, m)
            if extra is None:
                continue  # nothing to hide in this line; the integer programme below decides
            log.append(
                Hidden(extra, "secondary", f"so that total {m.key()} does not give {alone[0].key()} away")
            )
            hidden.add(extra)
            changed = True


def _keep_earlier_pattern(
    table: CountTable,
    earlier: Sequence[Earlier],
    hidden: set[Cell],
    rounded: dict[Cell, int],
    log: list[Hidden],
) -> None:
    """A cell hidden in an earlier release whose count has not changed stays hidden: showing it now would
    remove an unknown the earlier release relied on."""
    interior = set(table.interior())
    for n, e in enumerate(earlier, start=1):
        for h in e.protected.hidden:
            c = h.cell
            if (
                c in interior
                and _open(table, c, hidden, rounded)
                and e.protected.table.true(c) == table.true(c)
            ):
                log.append(Hidden(c, "secondary", f"hidden in release {n} and unchanged since"))
                hidden.add(c)


def _candidates(
    table: CountTable, near: Cell, hidden: set[Cell], rounded: dict[Cell, int], known: set[Cell]
) -> list[Cell]:
    """Cells worth hiding to protect ``near``, best first: it itself (an earlier release's cell shown now),
    shown counts in its lines (closing rectangles first), counts in the lines of the hidden cells beside it,
    its margins, then the table's smallest counts. Cells in ``known`` (unchanged since an earlier release
    showed them) are skipped: hiding them now would tell an attacker nothing new."""
    out: list[Cell] = []

    def take(cells: list[Cell], line: Cell | None = None) -> None:
        rest = [c for c in cells if c not in known]
        while (c := _cheapest(table, rest, hidden | set(out), rounded, line)) is not None:
            out.append(c)

    if near in set(table.interior()):
        take([near])
    inside = near.is_margin or (near.row in table.rows and near.column in table.columns)
    lines = ([near] if near.is_margin else table.lines(near)) if inside else table.margins()[-1:]
    for m in lines:
        take([c for c in table.members(m) if c != near], m)
    beside = [c for m in lines for c in table.members(m) if c in hidden and c != near]
    for h in beside:
        for m in table.lines(h):
            take(table.members(m), m)
    take([m for m in lines if m != near])
    take(sorted(table.interior(), key=lambda c: (table.true(c), c.key())))
    take(table.margins())
    return out


TRIES = 8  # candidates tried with the integer programme before settling for the one that helps most


def _best_candidate(  # noqa: PLR0913
    table: CountTable,
    target: tuple[int, Cell],
    target_rules: RuleSet,
    hidden: set[Cell],
    rounded: dict[Cell, int],
    history: list[Observed],
    same: list[tuple[int, Cell, int, Cell]],
    rules: RuleSet,
    time_limit: float,
    known: set[Cell],
) -> Cell | None:
    """The first candidate whose hiding protects the target; else the one that widens its range most."""
    candidates = _candidates(table, target[1], hidden, rounded, known)
    best, best_width = None, -1
    for c in candidates[:TRIES]:
        trial = Observed(table, _published(table, rounded, hidden | {c}), rules)
        interval = AttackModel([*history, trial], same).interval(*target, time_limit=time_limit)
        if protected(interval, target_rules):
            return c
        if interval.possible_values > best_width:
            best, best_width = c, interval.possible_values
    return best if best is not None else (candidates[0] if candidates else None)


def protect(
    table: CountTable, rules: RuleSet, earlier: Sequence[Earlier] = (), *, time_limit: float = 20.0
) -> ProtectedTable:
    """Apply ``rules`` to ``table``, keeping every earlier release of the same definition in view."""
    rounded = rounded_values(table, rules)
    log = primary(table, rules, rounded)
    hidden = {h.cell for h in log}
    if rules.secondary:
        _keep_earlier_pattern(table, earlier, hidden, rounded, log)
        _balance_lines(table, hidden, rounded, log)
        # Targets: every primary cell, here and in earlier releases (release index, cell). Current is last.
        me = len(earlier)
        targets = [(me, h.cell) for h in log if h.kind == "primary"]
        for j, e in enumerate(earlier):
            targets += [(j, h.cell) for h in e.protected.hidden if h.kind == "primary"]
        same = [
            (j, a, me, b) for j, e in enumerate(earlier) for a, b in _same_cells(e.protected.table, table)
        ]
        history = [Observed(e.protected.table, e.protected.published, e.rules) for e in earlier]
        known = {b for j, a, _, b in same if earlier[j].protected.published.get(a) is not None}
        while targets:
            current = Observed(table, _published(table, rounded, hidden), rules)
            model = AttackModel([*history, current], same)
            j, cell = targets[0]
            rs = rules if j == me else earlier[j].rules
            interval = model.interval(j, cell, time_limit=time_limit)
            if protected(interval, rs):
                targets.pop(0)  # hiding more only widens ranges: a protected cell stays protected
                continue
            extra = _best_candidate(
                table, (j, cell), rs, hidden, rounded, history, same, rules, time_limit, known
            )
            if extra is None:
                raise DisclosureRisk(
                    f"{cell.key()} could be narrowed to {interval.lo}..{interval.hi} even with every other "
                    "non-zero cell suppressed: this table cannot be published safely; publish it at a "
                    "coarser level (e.g. ward rather than LSOA, or months rather than weeks)."
                )
            where = "this release" if j == me else f"release {j + 1}"
            log.append(
                Hidden(
                    extra,
                    "secondary",
                    f"protects {cell.key()} ({where}), which could otherwise be narrowed to "
                    f"{interval.lo}..{interval.hi}",
                )
            )
            hidden.add(extra)
    return ProtectedTable(
        table=table,
        published=_published(table, rounded, hidden),
        hidden=tuple(log),
        rule_set=rules.name,
        rounded=rounded,
    )
