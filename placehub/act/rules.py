"""Cohort definitions: declarative, versioned YAML tied to an agreement's purpose.

A definition names its population (the people, or households, on one source), the conditions every member
must meet (each failing one is an exclusion, named), the priority factors (each adds its weight), the
worklist a partner receives (one source, agreed columns only) and any proxy it relies on, with the proxy's
rationale. Definitions ship in ``placehub/act/cohorts/<name>.yaml``; ``$PLACEHUB_HOME/cohorts/<name>.yaml``
overrides one. Every problem in a file is reported at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from placehub.errors import NotFound, PlacehubUserError
from placehub.settings import Settings

PACKAGED_COHORTS = Path(__file__).resolve().parent / "cohorts"

# Condition kinds: a member stays in the cohort only if every condition holds.
CONDITION_KINDS = {
    "not_in_source": "no linked record of the member in `source`",
    "not_at_classification": "the member's address is not of a gazetteer classification in `classifications`",
    "not_deceased": "no partner has recorded a death (and no date of death in `column`, when given)",
    "no_successful_contact": "no outcome of contact (contacted, need identified, referred, declined) yet",
    "not_known_connected": "no outcome recorded contact without finding a digital need",
}
# Priority kinds: each factor that applies adds its weight (``earlier_outcome``: per outcome, up to ``cap``).
PRIORITY_KINDS = {
    "lives_alone": "the member's household (from person linkage) has one person",
    "age_at_least": "aged at least `years` on the build day, by the date in `column`",
    "missing_value": "the population source's `column` is empty",
    "earlier_outcome": "each earlier outcome with `status`",
    "in_source": "a linked record of the member (any household member, for households) in `source`",
    "records_at_least": "at least `count` population records (e.g. children on one household)",
}
UNITS = ("person", "household")


class InvalidCohort(PlacehubUserError):
    """A cohort definition that cannot be used. Lists every problem."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  * {p}" for p in problems)
        super().__init__(f"Cohort definition {name} was refused ({len(problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Factor:
    """A condition or a priority factor: its rule name, kind, plain-English meaning and settings."""

    rule: str
    kind: str
    says: str
    weight: float = 0.0
    options: dict[str, Any] = field(default_factory=dict)

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


@dataclass(frozen=True)
class Proxy:
    name: str
    stands_for: str
    rationale: str
    rule: str  # the rule of this definition that uses the proxy


@dataclass(frozen=True)
class CohortDefinition:
    name: str
    version: int
    title: str
    purpose: str
    unit: str
    escalate_after_days: int
    population_rule: str
    population_says: str
    population_source: str
    conditions: tuple[Factor, ...]
    priority: tuple[Factor, ...]
    worklist_source: str
    worklist_columns: tuple[str, ...]
    proxies: tuple[Proxy, ...]
    text: str  # the YAML exactly as read

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def ref(self) -> str:
        return f"{self.name} v{self.version}"

    def sources(self) -> list[str]:
        """Every source the definition reads, population first."""
        out = [self.population_source, self.worklist_source]
        for f in (*self.conditions, *self.priority):
            if f.option("source"):
                out.append(f.option("source"))
        return list(dict.fromkeys(out))

    def population_columns(self) -> list[str]:
        """Columns of the population source the factors read (besides its record id)."""
        cols = [f.option("column") for f in (*self.conditions, *self.priority) if f.option("column")]
        return list(dict.fromkeys(cols))

    def proxy_entries(self) -> list[dict[str, str]]:
        """The proxies as the transparency register lists them."""
        return [
            {
                "cohort": self.name,
                "version": str(self.version),
                "purpose": self.purpose,
                "rule": p.rule,
                "name": p.name,
                "stands_for": p.stands_for,
                "rationale": p.rationale,
            }
            for p in self.proxies
        ]


def _factor(
    raw: Any, where: str, kinds: dict[str, str], problems: list[str], *, weighted: bool
) -> Factor | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping with rule, kind and says")
        return None
    missing = [k for k in ("rule", "kind", "says") if not str(raw.get(k, "")).strip()]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
        return None
    kind = raw["kind"]
    if kind not in kinds:
        problems.append(f"{where} ({raw['rule']}): unknown kind '{kind}'; choose one of: {', '.join(kinds)}")
        return None
    needs = {
        "not_in_source": ["source"],
        "in_source": ["source"],
        "not_at_classification": ["classifications"],
        "age_at_least": ["years", "column"],
        "missing_value": ["column"],
        "earlier_outcome": ["status"],
        "records_at_least": ["count"],
    }.get(kind, [])
    for key in needs:
        if raw.get(key) in (None, "", []):
            problems.append(f"{where} ({raw['rule']}): kind '{kind}' needs '{key}'")
    weight = raw.get("weight", 0)
    if weighted and (not isinstance(weight, (int, float)) or weight <= 0):
        problems.append(f"{where} ({raw['rule']}): a priority factor needs a positive number 'weight'")
    options = {k: v for k, v in raw.items() if k not in ("rule", "kind", "says", "weight")}
    return Factor(str(raw["rule"]), kind, str(raw["says"]), float(weight or 0), options)


@lru_cache(maxsize=64)
def parse_definition(text: str, name: str) -> CohortDefinition:
    """Check a definition's YAML text; raise InvalidCohort listing every problem (cached by text)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidCohort(name, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(doc, dict):
        raise InvalidCohort(name, ["the file must hold one YAML mapping"])
    problems: list[str] = []
    for key in ("name", "version", "title", "purpose", "population", "worklist"):
        if key not in doc:
            problems.append(f"missing '{key}'")
    if doc.get("name") not in (None, name):
        problems.append(f"name '{doc.get('name')}' differs from the file name '{name}'")
    version = doc.get("version")
    if "version" in doc and (not isinstance(version, int) or version < 1):
        problems.append("version must be a whole number from 1 (raise it whenever the rules change)")
    unit = doc.get("unit", "person")
    if unit not in UNITS:
        problems.append(f"unit '{unit}' must be one of: {', '.join(UNITS)}")
    days = doc.get("escalate_after_days", 3)
    if not isinstance(days, int) or days < 1:
        problems.append("escalate_after_days must be a whole number of days from 1")
    pop = doc.get("population") or {}
    for key in ("rule", "says", "source"):
        if "population" in doc and not str(pop.get(key, "")).strip():
            problems.append(f"population: missing '{key}'")
    conditions = [
        _factor(c, f"conditions/{i}", CONDITION_KINDS, problems, weighted=False)
        for i, c in enumerate(doc.get("conditions") or [])
    ]
    priority = [
        _factor(p, f"priority/{i}", PRIORITY_KINDS, problems, weighted=True)
        for i, p in enumerate(doc.get("priority") or [])
    ]
    rules = [pop.get("rule")] + [f.rule for f in (*conditions, *priority) if f]
    for dup in sorted({r for r in rules if r and rules.count(r) > 1}):
        problems.append(f"rule name '{dup}' is used more than once")
    wl = doc.get("worklist") or {}
    if "worklist" in doc and (not wl.get("source") or not wl.get("columns")):
        problems.append("worklist: give 'source' and the agreed 'columns' a partner receives")
    elif wl.get("source") and pop.get("source") and wl["source"] != pop["source"]:
        # assignments grant the population's records, so the worklist must come from the same source
        problems.append(
            f"worklist: source '{wl['source']}' must be the population's source '{pop['source']}'"
        )
    proxies = []
    for i, p in enumerate(doc.get("proxies") or []):
        missing = [k for k in ("name", "stands_for", "rationale", "rule") if not str(p.get(k, "")).strip()]
        if missing:
            problems.append(f"proxies/{i}: missing {', '.join(missing)} (a proxy must say why it is fair)")
        elif p["rule"] not in rules:
            problems.append(f"proxies/{i}: rule '{p['rule']}' is not a rule of this definition")
        else:
            proxies.append(
                Proxy(p["name"], p["stands_for"], " ".join(str(p["rationale"]).split()), p["rule"])
            )
    if problems:
        raise InvalidCohort(name, problems)
    return CohortDefinition(
        name=name,
        version=int(version),
        title=str(doc["title"]),
        purpose=str(doc["purpose"]),
        unit=unit,
        escalate_after_days=int(days),
        population_rule=str(pop["rule"]),
        population_says=str(pop["says"]),
        population_source=str(pop["source"]),
        conditions=tuple(f for f in conditions if f),
        priority=tuple(f for f in priority if f),
        worklist_source=str(wl["source"]),
        worklist_columns=tuple(wl["columns"]),
        proxies=tuple(proxies),
        text=text,
    )


def cohort_dirs(settings: Settings) -> tuple[Path, ...]:
    return (settings.home / "cohorts", PACKAGED_COHORTS)


def available_cohorts(settings: Settings) -> list[str]:
    names = {p.stem for d in cohort_dirs(settings) if d.is_dir() for p in d.glob("*.yaml")}
    return sorted(names)


@lru_cache(maxsize=64)
def _parsed(path: str, _size: int, _mtime_ns: int, name: str) -> CohortDefinition:
    """A definition file parsed once per version of the file (every worklist page asks for its cohort's)."""
    return parse_definition(Path(path).read_text(encoding="utf-8"), name)


def load_definition(settings: Settings, name: str) -> CohortDefinition:
    """The definition ``name`` (the home folder's copy first, then the packaged one)."""
    for d in cohort_dirs(settings):
        path = d / f"{name}.yaml"
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file():
            return _parsed(str(path), st.st_size, st.st_mtime_ns, name)
    known = ", ".join(available_cohorts(settings)) or "none"
    raise NotFound(f"No cohort definition '{name}' (known: {known}).")


def proxy_register(settings: Settings) -> list[dict[str, str]]:
    """Every cohort definition's proxies, for the transparency register."""
    return [e for n in available_cohorts(settings) for e in load_definition(settings, n).proxy_entries()]
