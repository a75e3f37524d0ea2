"""Build a composite index from its definition: the one place where the steps meet.

SPI method: raw indicators → direction and scaling → weights and diagnostics per component → component
scores → dimension scores → index → ranks and deciles. IMD method: domain ranks → exponential transformation →
weighted score → rank and decile (and, when the definition names a published rank, how many areas match it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placehub.insight.indices import imd
from placehub.insight.indices.aggregation import power_mean
from placehub.insight.indices.definition import (
    Aggregation,
    Component,
    IndexDefinition,
    IndexDefinitionError,
    Indicator,
    Method,
)
from placehub.insight.indices.diagnostics import ComponentDiagnostics, diagnose
from placehub.insight.indices.scaling import (
    Scaling,
    minmax,
    observed_bounds,
    rank_scale,
    utopia_dystopia,
    zscore,
)
from placehub.insight.indices.sources import (
    area_codes,
    area_names,
    indicator_values,
    load_tables,
    numeric,
    reference_values,
)
from placehub.insight.indices.weights import equal_weights, normalise_weights, pca_weights

log = logging.getLogger(__name__)

VALUE_COLUMNS = ["index", "area_code", "level", "component", "kind", "value", "rank", "decile"]


@dataclass(frozen=True)
class RankCheck:
    """How far recomputed ranks are from published ones."""

    areas: int
    exact: int
    max_abs_diff: int
    max_score_gap: float  # largest score difference between an area's recomputed and published rank positions

    @property
    def exact_share(self) -> float:
        return self.exact / self.areas if self.areas else 0.0


@dataclass
class IndexResult:
    definition: IndexDefinition
    areas: list[str]
    names: dict[str, str]
    scores: pd.DataFrame  # areas × parts: indicators' scaled scores, components, dimensions, "index"
    raw: pd.DataFrame = field(default_factory=pd.DataFrame)  # areas × indicators (raw values)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # indicator → (utopia, dystopia)
    weights: dict[str, dict[str, float]] = field(default_factory=dict)  # component → indicator → weight
    diagnostics: dict[str, ComponentDiagnostics] = field(default_factory=dict)
    references: pd.DataFrame = field(default_factory=pd.DataFrame)
    rank_check: RankCheck | None = None
    values: pd.DataFrame = field(default_factory=pd.DataFrame)  # long table for the vault (VALUE_COLUMNS)

    @property
    def index(self) -> pd.Series:
        return self.scores["index"]


def rank_and_decile(score: pd.Series, rank_1: str) -> tuple[np.ndarray, np.ndarray]:
    """Rank 1 = lowest (or highest) score; ties broken by area code order; decile = ⌈10 · rank / n⌉."""
    ranks = score.rank(method="first", ascending=rank_1 == "lowest", na_option="keep")
    n = int(score.notna().sum())
    dec = np.ceil(10 * ranks / n) if n else ranks
    return ranks.to_numpy(), dec.to_numpy()


def scale_indicator(ind: Indicator, x: pd.Series, clip: bool) -> tuple[pd.Series, tuple[float, float] | None]:
    if x.notna().sum() == 0:
        raise IndexDefinitionError(f"indicator {ind.id!r} has no values")
    if ind.scaling is Scaling.UTOPIA_DYSTOPIA:
        obs_u, obs_d = observed_bounds(x, ind.direction)
        u = obs_u if ind.utopia.observed else float(ind.utopia.value)  # type: ignore[arg-type]
        d = obs_d if ind.dystopia.observed else float(ind.dystopia.value)  # type: ignore[arg-type]
        s = pd.Series(utopia_dystopia(x.to_numpy(), u, d), index=x.index)
        bounds: tuple[float, float] | None = (u, d)
    elif ind.scaling is Scaling.MINMAX:
        s, bounds = minmax(x, ind.direction), observed_bounds(x, ind.direction)
    elif ind.scaling is Scaling.ZSCORE:
        s, bounds = zscore(x, ind.direction), None
    else:
        s, bounds = rank_scale(x, ind.direction), None
    if clip and ind.scaling in (Scaling.UTOPIA_DYSTOPIA, Scaling.MINMAX):
        s = s.clip(0.0, 100.0)
    return s, bounds


def _aggregate(frame: pd.DataFrame, agg: Aggregation, weights: np.ndarray | None = None) -> np.ndarray:
    try:
        return power_mean(frame.to_numpy(), agg.b, weights)
    except ValueError as exc:
        raise IndexDefinitionError(f"cannot combine {', '.join(frame.columns)}: {exc}") from exc


def _component_weights(comp: Component, scaled: pd.DataFrame) -> np.ndarray:
    if isinstance(comp.weights, dict):
        return normalise_weights(np.array([comp.weights[i] for i in comp.indicators]))
    if comp.weights == "equal":
        return equal_weights(len(comp.indicators))
    try:
        w = pca_weights(scaled[list(comp.indicators)].to_numpy()).weights
    except ValueError as exc:
        raise IndexDefinitionError(
            f"component {comp.id!r}: PCA weights impossible ({exc}); use weights: equal"
        ) from exc
    negative = [i for i, x in zip(comp.indicators, w, strict=True) if x < 0]
    if negative and len(negative) * 2 > len(w):  # report the minority as the odd ones out
        negative = [i for i, x in zip(comp.indicators, w, strict=True) if x >= 0]
    if negative:
        raise IndexDefinitionError(
            f"component {comp.id!r}: {', '.join(negative)} load(s) negatively on the first principal "
            "component, so PCA would weigh them against the component: check the direction, move them to "
            "another component, or give fixed weights"
        )
    return w


def build_spi(definition: IndexDefinition) -> IndexResult:
    tables = load_tables(definition)
    used = {ind.source for ind in definition.indicators.values()}
    codes = area_codes(tables, used)
    raw = pd.DataFrame(
        {
            i: indicator_values(ind, tables[ind.source]).reindex(codes)
            for i, ind in definition.indicators.items()
        },
        index=codes,
    )
    scaled = pd.DataFrame(index=codes)
    bounds: dict[str, tuple[float, float]] = {}
    for i, ind in definition.indicators.items():
        scaled[i], b = scale_indicator(ind, raw[i], definition.clip)
        if b is not None:
            bounds[i] = b
    scores = scaled.copy()
    weights: dict[str, dict[str, float]] = {}
    diagnostics: dict[str, ComponentDiagnostics] = {}
    for comp in definition.components:
        cols = list(comp.indicators)
        w = _component_weights(comp, scaled)
        weights[comp.id] = dict(zip(cols, map(float, w), strict=True))
        diagnostics[comp.id] = diagnose(scaled[cols].to_numpy(), cols)
        scores[comp.id] = _aggregate(scaled[cols], definition.component_mean, w)
    for dim in definition.dimensions:
        scores[dim.id] = _aggregate(scores[[c.id for c in dim.components]], definition.dimension_mean)
    scores["index"] = _aggregate(scores[[d.id for d in definition.dimensions]], definition.index_mean)
    result = IndexResult(
        definition=definition,
        areas=codes,
        names=area_names(definition, tables, codes),
        scores=scores,
        raw=raw,
        bounds=bounds,
        weights=weights,
        diagnostics=diagnostics,
        references=reference_values(definition),
    )
    kinds = {i: "indicator" for i in definition.indicators}
    kinds |= {c.id: "component" for c in definition.components}
    kinds |= {d.id: "dimension" for d in definition.dimensions} | {"index": "index"}
    result.values = _long_values(definition, scores, kinds)
    return result


def _long_values(
    definition: IndexDefinition,
    scores: pd.DataFrame,
    kinds: dict[str, str],
    ranks: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    parts = []
    for col, kind in kinds.items():
        s = scores[col]
        if ranks and col in ranks:
            r = ranks[col].to_numpy(dtype=float)
            n = int(np.isfinite(r).sum())
            d = np.ceil(10 * r / n)
        else:
            r, d = rank_and_decile(s, definition.rank_1)
        parts.append(
            pd.DataFrame(
                {
                    "index": definition.name,
                    "area_code": scores.index,
                    "level": definition.level,
                    "component": col,
                    "kind": kind,
                    "value": s.to_numpy(dtype=float),
                    "rank": r,
                    "decile": d,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    out["decile"] = out["decile"].astype("Int64")
    return out[VALUE_COLUMNS]


def build_imd(definition: IndexDefinition) -> IndexResult:
    tables = load_tables(definition)
    used = {d.source for d in definition.domains}
    if definition.check_rank:
        used.add(definition.check_rank[0])
    codes = area_codes(tables, used)
    ranks = pd.DataFrame(
        {d.id: numeric(tables[d.source], d.rank_column, d.source).reindex(codes) for d in definition.domains},
        index=codes,
    )
    if ranks.isna().any().any():
        bad = ranks.columns[ranks.isna().any()].tolist()
        raise IndexDefinitionError(f"domain ranks missing or not numbers for some areas in {bad}")
    n = len(codes)
    combined = imd.combine(ranks, {d.id: d.weight for d in definition.domains})
    scores = pd.DataFrame(
        {d.id: imd.exponential_transform(ranks[d.id].to_numpy(), n) for d in definition.domains}, index=codes
    )
    scores["index"] = combined["score"]
    rank_check = None
    if definition.check_rank:
        sid, col = definition.check_rank
        published = numeric(tables[sid], col, sid).reindex(codes).to_numpy()
        ours = combined["rank"].to_numpy()
        diff = np.abs(ours - published)
        by_rank = np.sort(combined["score"].to_numpy())[::-1]  # score at each rank position
        off = diff > 0
        gap = np.abs(by_rank[ours[off] - 1] - by_rank[published[off].astype(int) - 1])
        rank_check = RankCheck(
            n, int((diff == 0).sum()), int(np.nanmax(diff)), float(gap.max()) if off.any() else 0.0
        )
    kinds = {d.id: "domain" for d in definition.domains} | {"index": "index"}
    given = {d.id: ranks[d.id] for d in definition.domains} | {"index": combined["rank"]}
    result = IndexResult(
        definition=definition,
        areas=codes,
        names=area_names(definition, tables, codes),
        scores=scores,
        rank_check=rank_check,
        weights={"index": {d.id: d.weight for d in definition.domains}},
    )
    result.values = _long_values(definition, scores, kinds, given)
    return result


def build_index(definition: IndexDefinition) -> IndexResult:
    result = build_spi(definition) if definition.method is Method.SPI else build_imd(definition)
    log.info("index %s built for %d areas", definition.name, len(result.areas))
    return result
