"""Aggregate definitions: what a release counts, by which areas, under which purpose and rule set.

A definition is a small YAML file (placehub ships some in ``placehub/publish/definitions/``); defining a
changed file under the same name records version n+1. Every problem is listed at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from placehub.errors import NotFound, PlacehubUserError

PACKAGED = Path(__file__).resolve().parent / "definitions"
LEVELS = ("ward", "lsoa", "msoa")
INPUTS = ("source_records", "index", "outbreak_cases", "contact_within_days")
OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}


class InvalidDefinition(PlacehubUserError):
    pass


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    description: str
    input: str  # one of INPUTS: how the counts are made
    area_level: str
    options: dict[str, Any]  # the input's own settings (purpose, dataset, columns, index name, days…)
    rule_set: str | None  # None: the purpose's agreement's disclosure_control (else placehub-sdc-2025)
    percent_of_total: bool = False  # add each cell as a percentage of its row total
    keywords: tuple[str, ...] = ()
    publisher: str = "Demo Borough Council"
    attribution: str = "Contains public sector information licensed under the Open Government Licence v3.0."
    body: str = field(default="", compare=False)

    @property
    def purpose(self) -> str | None:
        return self.options.get("purpose")

    @property
    def is_counts(self) -> bool:
        return self.input != "index"


def parse_definition(text: str, *, origin: str = "definition") -> Definition:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidDefinition(f"{origin} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidDefinition(f"{origin} must be a YAML mapping of fields.")
    problems = [
        f"'{k}' is required"
        for k in ("name", "title", "description", "input", "area_level")
        if not doc.get(k)
    ]
    if doc.get("input") and doc["input"] not in INPUTS:
        problems.append(f"input '{doc['input']}' is not one of: {', '.join(INPUTS)}")
    if doc.get("area_level") and doc["area_level"] not in LEVELS:
        problems.append(f"area_level '{doc['area_level']}' is not one of: {', '.join(LEVELS)}")
    options = doc.get("options") or {}
    needs = {
        "source_records": ("purpose", "dataset", "record_id", "postcode"),
        "index": ("index",),
        "outbreak_cases": (),
        "contact_within_days": ("purpose", "days"),
    }.get(doc.get("input", ""), ())
    problems += [f"options.{k} is required for input '{doc['input']}'" for k in needs if k not in options]
    if problems:
        raise InvalidDefinition(f"{origin} has problems:\n" + "\n".join(f"  * {p}" for p in problems))
    return Definition(
        name=str(doc["name"]),
        title=str(doc["title"]),
        description=" ".join(str(doc["description"]).split()),
        input=doc["input"],
        area_level=doc["area_level"],
        options=dict(options),
        rule_set=doc.get("rule_set"),
        percent_of_total=bool(doc.get("percent_of_total", False)),
        keywords=tuple(doc.get("keywords") or ()),
        publisher=doc.get("publisher", Definition.publisher),
        attribution=doc.get("attribution", Definition.attribution),
        body=text,
    )


def packaged_definition(name: str) -> Path:
    path = PACKAGED / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(PACKAGED.glob("*.yaml")))
        raise NotFound(
            f"No packaged definition '{name}' (placehub ships: {known}); give a path to a YAML file."
        )
    return path


def read_definition(path_or_name: str | Path) -> Definition:
    """A definition from a YAML path, or from a packaged definition's name."""
    path = Path(path_or_name)
    if not path.suffix:
        path = packaged_definition(str(path_or_name))
    if not path.is_file():
        raise NotFound(f"No definition file at {path}.")
    return parse_definition(path.read_text(encoding="utf-8"), origin=str(path))
