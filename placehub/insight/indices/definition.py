"""Index definitions: declarative YAML turned into checked, typed objects.

A definition names its source tables, its indicators (how each is computed from source columns, its direction
and scaling), how indicators group into components and components into dimensions, the weights and the
aggregation at each step. Two methods share the format: ``spi`` (scaled indicators → components → dimensions →
index) and ``imd`` (domain ranks → exponential transformation → weighted sum → rank). Every problem in a file
is reported at once, with where it is.

Paths may use ``{shared_data}``, ``{home}`` and ``{demo_data}``; relative paths are read from the definition's
own folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from placehub.errors import PlacehubUserError
from placehub.insight.indices.scaling import Direction, Scaling
from placehub.settings import Settings


class IndexDefinitionError(PlacehubUserError):
    """An index definition is missing, malformed or inconsistent."""


class Method(StrEnum):
    SPI = "spi"
    IMD = "imd"


class Mean(StrEnum):
    WEIGHTED_MEAN = "weighted_mean"
    POWER_MEAN = "power_mean"


@dataclass(frozen=True)
class Source:
    id: str
    path: Path
    area_column: str
    name_column: str | None = None


@dataclass(frozen=True)
class Bound:
    """A fixed number, or ``observed`` (the best/worst value seen among the areas)."""

    value: float | None

    @property
    def observed(self) -> bool:
        return self.value is None

    def describe(self) -> str:
        return "observed" if self.value is None else f"{self.value:g}"


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    source: str
    direction: Direction
    scaling: Scaling
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    value_column: str | None = None
    multiplier: float = 100.0  # ratio → percent by default
    utopia: Bound = Bound(None)
    dystopia: Bound = Bound(None)
    unit: str = "%"
    note: str = ""

    def formula(self) -> str:
        if self.value_column:
            return f"`{self.value_column}`"
        num = " + ".join(f"`{c}`" for c in self.numerator)
        den = " + ".join(f"`{c}`" for c in self.denominator)
        den = f"({den})" if len(self.denominator) > 1 else den
        return f"{self.multiplier:g} × ({num}) / {den}"


@dataclass(frozen=True)
class Component:
    id: str
    title: str
    indicators: tuple[str, ...]
    weights: str | dict[str, float] = "pca"  # "pca", "equal" or fixed weights per indicator


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    components: tuple[Component, ...]


@dataclass(frozen=True)
class Aggregation:
    mean: Mean = Mean.WEIGHTED_MEAN
    b: float = 1.0

    def describe(self) -> str:
        return "arithmetic mean" if self.mean is Mean.WEIGHTED_MEAN else f"power mean (b = {self.b:g})"


@dataclass(frozen=True)
class Domain:
    """An IMD domain: a rank column (1 = most deprived) and its weight in percent."""

    id: str
    title: str
    source: str
    rank_column: str
    weight: float


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    title: str
    method: Method
    level: str
    sources: dict[str, Source]
    description: str = ""
    rank_1: str = (
        "lowest"  # "lowest": rank 1 = lowest score (greatest need); "highest": rank 1 = highest score
    )
    clip: bool = True
    indicators: dict[str, Indicator] = field(default_factory=dict)
    dimensions: tuple[Dimension, ...] = ()
    component_mean: Aggregation = Aggregation()
    dimension_mean: Aggregation = Aggregation()
    index_mean: Aggregation = Aggregation()
    domains: tuple[Domain, ...] = ()
    check_rank: tuple[str, str] | None = None  # (source, column) of a published rank to compare with
    references: dict[str, Source] = field(default_factory=dict)  # comparator rows (England, London…)
    path: Path | None = None

    @property
    def components(self) -> list[Component]:
        return [c for d in self.dimensions for c in d.components]


DEFINITIONS_PACKAGE = "placehub.insight.indices.definitions"


def _expand(raw: str, variables: dict[str, str], base: Path) -> Path:
    try:
        text = raw.format(**variables)
    except KeyError as exc:
        raise IndexDefinitionError(
            f"unknown path variable {exc} in {raw!r}: use {{shared_data}}, {{home}} or {{demo_data}}"
        ) from exc
    p = Path(text)
    return p if p.is_absolute() else (base / p)


def path_variables(settings: Settings, demo_data: Path | None = None) -> dict[str, str]:
    # `placehub demo build` writes to ./demo-data by default; PLACEHUB_DEMO_DATA or --data-dir say otherwise.
    demo = demo_data or Path(os.environ.get("PLACEHUB_DEMO_DATA") or Path.cwd() / "demo-data")
    return {"shared_data": str(settings.shared_data), "home": str(settings.home), "demo_data": str(demo)}


def _bound(raw: Any, where: str, errors: list[str]) -> Bound:
    if raw is None or raw == "observed":
        return Bound(None)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Bound(float(raw))
    errors.append(f"{where}: a bound must be a number or 'observed', not {raw!r}")
    return Bound(None)


def _enum(cls: type[StrEnum], raw: Any, where: str, errors: list[str], default: StrEnum) -> Any:
    if raw is None:
        return default
    try:
        return cls(raw)
    except ValueError:
        errors.append(f"{where}: {raw!r} is not one of {', '.join(m.value for m in cls)}")
        return default


def _aggregation(raw: Any, where: str, errors: list[str]) -> Aggregation:
    if raw is None:
        return Aggregation()
    if not isinstance(raw, dict):
        errors.append(f"{where}: expected a mapping like {{method: power_mean, b: 0.5}}")
        return Aggregation()
    mean = _enum(Mean, raw.get("method"), f"{where}.method", errors, Mean.WEIGHTED_MEAN)
    b = float(raw.get("b", 1.0 if mean is Mean.WEIGHTED_MEAN else 0.5))
    return Aggregation(mean, 1.0 if mean is Mean.WEIGHTED_MEAN else b)


def _sources(
    raw: Any, where: str, variables: dict[str, str], base: Path, default_area: str | None, errors: list[str]
) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for sid, spec in (raw or {}).items():
        if not isinstance(spec, dict) or "path" not in spec:
            errors.append(f"{where}.{sid}: needs a path")
            continue
        area = spec.get("area_column", default_area)
        if not area:
            errors.append(f"{where}.{sid}: needs an area_column (or a top-level area_column)")
            continue
        try:
            path = _expand(str(spec["path"]), variables, base)
        except IndexDefinitionError as exc:
            errors.append(f"{where}.{sid}: {exc}")
            continue
        out[str(sid)] = Source(str(sid), path, str(area), spec.get("name_column"))
    return out


def _indicators(raw: Any, sources: dict[str, Source], errors: list[str]) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for iid, spec in (raw or {}).items():
        where = f"indicators.{iid}"
        if not isinstance(spec, dict):
            errors.append(f"{where}: expected a mapping")
            continue
        if spec.get("source") not in sources:
            errors.append(f"{where}.source: {spec.get('source')!r} is not a declared source")
        direction = _enum(
            Direction, spec.get("direction"), f"{where}.direction", errors, Direction.HIGHER_IS_BETTER
        )
        if "direction" not in spec:
            errors.append(
                f"{where}: say whether higher or lower is better (direction: higher_is_better | "
                "lower_is_better)"
            )
        scaling_raw = spec.get("scaling") or {}
        if isinstance(scaling_raw, str):
            scaling_raw = {"method": scaling_raw}
        scaling = _enum(
            Scaling, scaling_raw.get("method"), f"{where}.scaling", errors, Scaling.UTOPIA_DYSTOPIA
        )
        numerator = spec.get("numerator") or ()
        numerator = (numerator,) if isinstance(numerator, str) else tuple(numerator)
        denominator = spec.get("denominator") or ()
        denominator = (denominator,) if isinstance(denominator, str) else tuple(denominator)
        value = spec.get("value")
        if bool(value) == bool(numerator):
            errors.append(f"{where}: give either `value` (a column) or `numerator` and `denominator`")
        if numerator and not spec.get("denominator"):
            errors.append(f"{where}: a numerator needs a denominator")
        out[str(iid)] = Indicator(
            id=str(iid),
            title=str(spec.get("title", iid)),
            source=str(spec.get("source")),
            direction=direction,
            scaling=scaling,
            numerator=numerator,
            denominator=denominator,
            value_column=value,
            multiplier=float(spec.get("multiplier", 100.0 if numerator else 1.0)),
            utopia=_bound(scaling_raw.get("utopia"), f"{where}.scaling.utopia", errors),
            dystopia=_bound(scaling_raw.get("dystopia"), f"{where}.scaling.dystopia", errors),
            unit=str(spec.get("unit", "%" if numerator else "")),
            note=str(spec.get("note", "")),
        )
    return out


def _dimensions(raw: Any, indicators: dict[str, Indicator], errors: list[str]) -> tuple[Dimension, ...]:
    dims = []
    used: set[str] = set()
    for d_i, d in enumerate(raw or []):
        comps = []
        for c_i, c in enumerate(d.get("components") or []):
            where = f"dimensions[{d_i}].components[{c_i}] ({c.get('id')})"
            inds = tuple(c.get("indicators") or ())
            for i in inds:
                if i not in indicators:
                    errors.append(f"{where}: indicator {i!r} is not defined")
                if i in used:
                    errors.append(f"{where}: indicator {i!r} is used in two components")
                used.add(i)
            if not inds:
                errors.append(f"{where}: lists no indicators")
            weights = c.get("weights", "pca")
            if isinstance(weights, dict):
                if set(weights) != set(inds):
                    errors.append(f"{where}: fixed weights must name exactly its indicators {list(inds)}")
                weights = {str(k): float(v) for k, v in weights.items()}
            elif weights not in ("pca", "equal"):
                errors.append(f"{where}: weights must be pca, equal or a mapping indicator → weight")
            elif weights == "pca" and len(inds) < 2:
                weights = "equal"  # one indicator: PCA has nothing to weigh
            comps.append(Component(str(c.get("id")), str(c.get("title", c.get("id"))), inds, weights))
        if not comps:
            errors.append(f"dimensions[{d_i}] ({d.get('id')}): has no components")
        dims.append(Dimension(str(d.get("id")), str(d.get("title", d.get("id"))), tuple(comps)))
    unused = sorted(set(indicators) - used)
    if unused:
        errors.append(f"indicators not placed in any component: {', '.join(unused)}")
    return tuple(dims)


def parse_definition(
    doc: dict[str, Any], variables: dict[str, str], base: Path, path: Path | None = None
) -> IndexDefinition:
    errors: list[str] = []
    for key in ("name", "method", "level", "sources"):
        if key not in doc:
            errors.append(f"missing `{key}`")
    method = _enum(Method, doc.get("method"), "method", errors, Method.SPI)
    sources = _sources(doc.get("sources"), "sources", variables, base, doc.get("area_column"), errors)
    references = _sources(doc.get("references"), "references", variables, base, "Code", errors)
    rank_1 = doc.get("rank_1", "lowest" if method is Method.SPI else "highest")
    if rank_1 not in ("lowest", "highest"):
        errors.append("rank_1 must be lowest or highest")
    agg = doc.get("aggregation") or {}
    kwargs: dict[str, Any] = {}
    if method is Method.SPI:
        indicators = _indicators(doc.get("indicators"), sources, errors)
        kwargs["indicators"] = indicators
        kwargs["dimensions"] = _dimensions(doc.get("dimensions"), indicators, errors)
        kwargs["component_mean"] = _aggregation(agg.get("component"), "aggregation.component", errors)
        kwargs["dimension_mean"] = _aggregation(agg.get("dimension"), "aggregation.dimension", errors)
        kwargs["index_mean"] = _aggregation(agg.get("index"), "aggregation.index", errors)
    else:
        domains = []
        for i, d in enumerate(doc.get("domains") or []):
            if d.get("source") not in sources:
                errors.append(f"domains[{i}].source: {d.get('source')!r} is not a declared source")
            if "rank_column" not in d or "weight" not in d:
                errors.append(f"domains[{i}]: needs rank_column and weight")
                continue
            domains.append(
                Domain(
                    str(d["id"]),
                    str(d.get("title", d["id"])),
                    str(d.get("source")),
                    str(d["rank_column"]),
                    float(d["weight"]),
                )
            )
        if not domains:
            errors.append("an imd definition needs domains")
        kwargs["domains"] = tuple(domains)
        check = doc.get("check_rank")
        if check:
            kwargs["check_rank"] = (str(check["source"]), str(check["column"]))
    if errors:
        where = f" in {path}" if path else ""
        raise IndexDefinitionError(
            f"index definition{where} has {len(errors)} problem(s):\n" + "\n".join(f"  * {e}" for e in errors)
        )
    return IndexDefinition(
        name=str(doc["name"]),
        title=str(doc.get("title", doc["name"])),
        method=method,
        level=str(doc["level"]),
        sources=sources,
        description=str(doc.get("description", "")).strip(),
        rank_1=rank_1,
        clip=bool(doc.get("clip", True)),
        references=references,
        path=path,
        **kwargs,
    )


def packaged_definitions() -> dict[str, Path]:
    folder = resources.files(DEFINITIONS_PACKAGE)
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith((".yaml", ".yml"))}


def load_definition(
    name_or_path: str | Path, settings: Settings, *, demo_data: Path | None = None
) -> IndexDefinition:
    """A definition by packaged name (``lewisham-spi``), by name in ``$PLACEHUB_HOME/indices``, or by path."""
    candidate = Path(name_or_path)
    if not candidate.is_file():
        local = settings.home / "indices" / f"{name_or_path}.yaml"
        packaged = packaged_definitions()
        if local.is_file():
            candidate = local
        elif str(name_or_path) in packaged:
            candidate = packaged[str(name_or_path)]
        else:
            raise IndexDefinitionError(
                f"no index definition {name_or_path!r}: known are {', '.join(sorted(packaged))} "
                f"(or put NAME.yaml in {settings.home / 'indices'}, or pass a path)"
            )
    try:
        doc = yaml.safe_load(candidate.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise IndexDefinitionError(f"{candidate} is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise IndexDefinitionError(f"{candidate} must hold a mapping")
    return parse_definition(doc, path_variables(settings, demo_data), candidate.parent, candidate)
