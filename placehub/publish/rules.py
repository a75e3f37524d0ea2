"""Disclosure-control rule sets: named, typed, and written into every release's metadata.

A rule set says which counts are too small to publish (1 to ``suppress_up_to``), the base every other count is
rounded to, and that secondary suppression protects each hidden cell against differencing. Agreements name
their rule set (``disclosure_control: placehub-sdc-2025``); a council registers its own with ``register``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from placehub.errors import PlacehubUserError


class UnknownRuleSet(PlacehubUserError):
    pass


@dataclass(frozen=True)
class RuleSet:
    name: str
    suppress_up_to: int  # counts 1..suppress_up_to are hidden (primary suppression); 0 is published
    round_to: int  # every other count is rounded to the nearest multiple (halves up)
    description: str
    secondary: bool = True  # hide more cells until no hidden one can be worked out (differencing, margins)

    def __post_init__(self) -> None:
        if self.suppress_up_to < 1 or self.round_to < 1:
            raise UnknownRuleSet(f"Rule set {self.name}: thresholds must be positive whole numbers.")
        if self.round_to > 2 * self.suppress_up_to + 1:
            # A published count must never round down into the suppressed range's neighbourhood of zero.
            raise UnknownRuleSet(f"Rule set {self.name}: round_to is too coarse for the threshold.")

    def is_small(self, count: int) -> bool:
        return 1 <= count <= self.suppress_up_to

    def rounded(self, count: int) -> int:
        """Nearest multiple of ``round_to``, halves up (3 → 5, 2 → 0, 12 → 10, 13 → 15 for base 5)."""
        base = self.round_to
        return ((2 * count + base) // (2 * base)) * base

    @property
    def slack(self) -> int:
        """How far a true count can lie from its rounded value (2 for base 5)."""
        return (self.round_to - 1) // 2

    def describe(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "rules": [
                f"counts from 1 to {self.suppress_up_to} are suppressed (primary suppression)",
                f"all other counts are rounded to the nearest {self.round_to}; zeros are shown as 0",
                "totals are recomputed from the rounded cells, so every table adds up",
                "rates and percentages are suppressed where their numerator or denominator is",
                "further cells are suppressed (secondary suppression) until no suppressed cell can be worked "
                "out from the table, its totals or earlier releases of the same definition",
            ],
        }


SDC_2025 = RuleSet(
    "placehub-sdc-2025",
    suppress_up_to=7,
    round_to=5,
    description="placehub default: suppress 1-7, round to 5, secondary suppression across releases",
)
ONS = RuleSet(
    "ons",
    suppress_up_to=9,
    round_to=5,
    description="ONS-style preset: suppress counts under 10, round to 5, secondary suppression",
)

_REGISTRY: dict[str, RuleSet] = {}


def register(rule_set: RuleSet) -> RuleSet:
    """Make a rule set available by name (placehub's own are registered the same way)."""
    _REGISTRY[rule_set.name] = rule_set
    return rule_set


def get_rule_set(name: str) -> RuleSet:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownRuleSet(
            f"There is no disclosure-control rule set '{name}'. Known: {', '.join(sorted(_REGISTRY))}."
        ) from None


for _rs in (SDC_2025, ONS):
    register(_rs)
