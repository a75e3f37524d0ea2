"""Methodology report for a built index, in Markdown and HTML, written so a reader can check every number.

It lists the indicators (formula, direction, bounds used), weights and diagnostics per component, how parts
are combined, the top and bottom areas, and a worked example that follows one area from raw values to its
index score with the numbers shown at each step.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from placehub.insight.indices.definition import IndexDefinition, Method
from placehub.insight.indices.engine import IndexResult


@dataclass
class _Doc:
    """Writes the same content as Markdown and as HTML."""

    md: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.md.append(f"{'#' * level} {text}\n")
        self.html.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def para(self, text: str) -> None:
        self.md.append(text + "\n")
        self.html.append(f"<p>{html.escape(text)}</p>")

    def bullets(self, items: list[str]) -> None:
        self.md.append("\n".join(f"- {i}" for i in items) + "\n")
        self.html.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")

    def table(self, headers: list[str], rows: list[list[object]]) -> None:
        cells = [[_fmt(c) for c in r] for r in rows]
        self.md.append("| " + " | ".join(headers) + " |")
        self.md.append("|" + "|".join("---" for _ in headers) + "|")
        self.md.extend("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells)
        self.md.append("")
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in cells)
        self.html.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, float | np.floating):
        return f"{value + 0.0:.3f}" if abs(value) >= 0.0005 else "0.000"
    return str(value)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:100rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;display:block;overflow-x:auto}
th,td{border:1px solid #bbb;padding:0.25rem 0.5rem;text-align:left;font-size:0.9rem;vertical-align:top}
th{background:#eef}h1{font-size:1.6rem}h2{margin-top:2rem}
"""


def _rank_note(d: IndexDefinition) -> str:
    if d.rank_1 == "lowest":
        return (
            "Rank 1 is the lowest score; decile 1 holds the lowest-scoring tenth (decile = ⌈10 × rank / n⌉)."
        )
    return "Rank 1 is the highest score; decile 1 holds the highest-scoring tenth (decile = ⌈10 × rank / n⌉)."


def _top_bottom(doc: _Doc, result: IndexResult, parts: list[str], n: int = 10) -> None:
    idx = result.values[result.values["component"] == "index"].set_index("area_code")
    order = idx.sort_values("rank")
    for label, codes in (("Rank 1 to " + str(n), order.index[:n]), ("Last " + str(n), order.index[-n:])):
        doc.heading(f"Areas: {label}", 3)
        rows = [
            [
                c,
                result.names.get(c, ""),
                int(idx.at[c, "rank"]),
                int(idx.at[c, "decile"]),
                float(result.scores.at[c, "index"]),
                *[float(result.scores.at[c, p]) for p in parts],
            ]
            for c in codes
        ]
        doc.table(["area", "name", "rank", "decile", "index", *parts], rows)


def _spi_sections(doc: _Doc, result: IndexResult) -> None:
    d = result.definition
    doc.heading("Indicators")
    refs = result.references
    ref_names = list(refs.index) if not refs.empty else []
    rows = []
    for i, ind in d.indicators.items():
        u, dys = result.bounds.get(i, (None, None))
        x = result.raw[i]
        rows.append(
            [
                i,
                ind.title,
                ind.source,
                ind.formula(),
                ind.direction.value,
                ind.scaling.value,
                f"{u:.3f} ({ind.utopia.describe()})" if u is not None else "–",
                f"{dys:.3f} ({ind.dystopia.describe()})" if dys is not None else "–",
                float(x.min()),
                float(x.median()),
                float(x.max()),
                *[float(refs.at[r, i]) if i in refs.columns else None for r in ref_names],
            ]
        )
    doc.table(
        [
            "id",
            "indicator",
            "source",
            "formula",
            "direction",
            "scaling",
            "utopia",
            "dystopia",
            "min",
            "median",
            "max",
            *ref_names,
        ],
        rows,
    )
    notes = [f"{i}: {ind.note}" for i, ind in d.indicators.items() if ind.note]
    if notes:
        doc.bullets(notes)
    doc.para(
        "Scaled score = 100 × (value − dystopia) / (utopia − dystopia)"
        + (", clipped to 0…100" if d.clip else "")
        + "; higher is always better after scaling."
    )
    doc.heading("Structure, weights and diagnostics")
    doc.para(
        f"Indicators → component: weighted {d.component_mean.describe()}; components → dimension: "
        f"{d.dimension_mean.describe()} with equal weights; dimensions → index: {d.index_mean.describe()} "
        "with equal weights. PCA weights are the first principal component's loadings (correlation "
        "matrix) divided by their sum."
    )
    rows = []
    for dim in d.dimensions:
        for comp in dim.components:
            diag = result.diagnostics[comp.id]
            w = result.weights[comp.id]
            method = "fixed" if isinstance(comp.weights, dict) else comp.weights
            rows.append(
                [
                    dim.title,
                    comp.title,
                    method,
                    ", ".join(f"{k} {v:.3f}" for k, v in w.items()),
                    diag.cronbach_alpha,
                    diag.kmo,
                    diag.explained,
                    "; ".join(diag.warnings) or "ok",
                ]
            )
    doc.table(
        [
            "dimension",
            "component",
            "weights",
            "indicator weights",
            "Cronbach's alpha",
            "KMO",
            "PC1 variance share",
            "checks",
        ],
        rows,
    )
    doc.para(
        "Cronbach's alpha ≥ 0.70 suggests the indicators measure one thing; KMO ≥ 0.50 that their "
        "correlations suit PCA (with two indicators KMO is always 0.50)."
    )
    _worked_example(doc, result)


def _worked_example(doc: _Doc, result: IndexResult) -> None:
    d = result.definition
    idx = result.values[result.values["component"] == "index"].set_index("area_code")
    code = str(idx.sort_values("rank").index[0])
    doc.heading(f"Worked example: {code} {result.names.get(code, '')}".rstrip(), 3)
    rows = []
    for comp in d.components:
        for i in comp.indicators:
            u, dys = result.bounds.get(i, (None, None))
            rows.append(
                [
                    comp.id,
                    i,
                    float(result.raw.at[code, i]),
                    u,
                    dys,
                    float(result.scores.at[code, i]),
                    result.weights[comp.id][i],
                ]
            )
    doc.table(["component", "indicator", "value", "utopia", "dystopia", "scaled", "weight"], rows)
    parts = [[c.id, float(result.scores.at[code, c.id])] for c in d.components]
    parts += [[dim.id, float(result.scores.at[code, dim.id])] for dim in d.dimensions]
    parts += [["index", float(result.scores.at[code, "index"])]]
    doc.table(["part", "score"], parts)


def _imd_sections(doc: _Doc, result: IndexResult) -> None:
    d = result.definition
    doc.heading("Domains and weights")
    doc.table(
        ["domain", "title", "rank column", "weight %"],
        [[x.id, x.title, x.rank_column, x.weight] for x in d.domains],
    )
    doc.para(
        "Domain score X = −23 ln(1 − R (1 − e^(−100/23))) with R = (n + 1 − rank) / n (1/n for the least "
        "deprived area, 1 for the most deprived); IMD score = Σ weight/100 × X; ranked again, 1 = highest."
    )
    if result.rank_check:
        rc = result.rank_check
        doc.heading("Check against the published rank")
        doc.para(
            f"{rc.exact:,} of {rc.areas:,} areas ({100 * rc.exact_share:.2f}%) get exactly the published "
            f"rank; the largest difference is {rc.max_abs_diff} rank(s). Where ranks differ, the recomputed "
            f"scores at the two rank positions differ by at most {rc.max_score_gap:.4f}, below the "
            "three-decimal precision of published IMD scores."
        )


def render_report(result: IndexResult) -> tuple[str, str]:
    """(markdown, html) methodology report for a built index."""
    d = result.definition
    doc = _Doc()
    doc.heading(d.title, 1)
    if d.description:
        doc.para(d.description)
    doc.bullets(
        [
            f"index name: {d.name}; method: {d.method.value}; level: {d.level}; areas: {len(result.areas)}",
            f"definition: {d.path}" if d.path else "definition: (in memory)",
            "sources: " + "; ".join(f"{s.id} = {s.path.name}" for s in d.sources.values()),
            f"built: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            _rank_note(d),
        ]
    )
    if d.method is Method.SPI:
        _spi_sections(doc, result)
        parts = [dim.id for dim in d.dimensions]
    else:
        _imd_sections(doc, result)
        parts = [x.id for x in d.domains]
    doc.heading("Distribution of the index")
    s = result.scores["index"]
    doc.table(
        ["min", "lower quartile", "median", "upper quartile", "max"],
        [
            [
                float(s.min()),
                float(s.quantile(0.25)),
                float(s.median()),
                float(s.quantile(0.75)),
                float(s.max()),
            ]
        ],
    )
    _top_bottom(doc, result, parts)
    md = "\n".join(doc.md)
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(d.title)}</title>"
        f"<style>{_CSS}</style></head><body>" + "\n".join(doc.html) + "</body></html>"
    )
    return md, page


def write_report(result: IndexResult, out_dir: Path | str) -> tuple[Path, Path, Path]:
    """Write ``NAME.md``, ``NAME.html`` and ``NAME_values.csv`` (the long table) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md, page = render_report(result)
    name = result.definition.name
    md_path, html_path, csv_path = out / f"{name}.md", out / f"{name}.html", out / f"{name}_values.csv"
    md_path.write_text(md, encoding="utf-8")
    html_path.write_text(page, encoding="utf-8")
    values = result.values.copy()
    values.insert(2, "area_name", values["area_code"].map(result.names).fillna(""))
    pd.DataFrame(values).to_csv(csv_path, index=False)
    return md_path, html_path, csv_path
