"""placehub.publish: disclosure-controlled open data.

Aggregate definitions become releases only through disclosure control (``sdc.protect`` under a named
``RuleSet``) and maker–checker approval; releases are written as CSV + Frictionless Data Package + CSVW + DCAT
(+ GeoJSON) and served by a public API (``placehub.web.routes_open_data``).
"""

from placehub.publish.definitions import Definition, InvalidDefinition, parse_definition, read_definition
from placehub.publish.demo import publish_demo
from placehub.publish.formats import csvw, datapackage, dcat, geojson, write_package
from placehub.publish.intervals import AttackModel, Interval, Observed, protected
from placehub.publish.public import catalogue_entries, export_all, table
from placehub.publish.releases import (
    ApprovalRefused,
    Release,
    ReleaseStatus,
    approve,
    define,
    get_release,
    list_releases,
    preview,
    publish,
)
from placehub.publish.rules import ONS, SDC_2025, RuleSet, get_rule_set, register
from placehub.publish.sdc import DisclosureRisk, Earlier, protect
from placehub.publish.table import Cell, CountTable, ProtectedTable

__all__ = [
    "ONS",
    "SDC_2025",
    "ApprovalRefused",
    "AttackModel",
    "Cell",
    "CountTable",
    "Definition",
    "DisclosureRisk",
    "Earlier",
    "Interval",
    "InvalidDefinition",
    "Observed",
    "ProtectedTable",
    "Release",
    "ReleaseStatus",
    "RuleSet",
    "approve",
    "catalogue_entries",
    "csvw",
    "datapackage",
    "dcat",
    "define",
    "export_all",
    "geojson",
    "get_release",
    "get_rule_set",
    "list_releases",
    "parse_definition",
    "preview",
    "protect",
    "protected",
    "publish",
    "publish_demo",
    "read_definition",
    "register",
    "table",
    "write_package",
]
