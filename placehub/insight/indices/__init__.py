"""Composite indices (Social Progress Index style and the IMD method) from declarative YAML definitions."""

from placehub.insight.indices.definition import (
    IndexDefinition,
    IndexDefinitionError,
    load_definition,
    packaged_definitions,
)
from placehub.insight.indices.engine import IndexResult, RankCheck, build_index
from placehub.insight.indices.service import BuiltIndex, build_and_store, build_report

__all__ = [
    "BuiltIndex",
    "IndexDefinition",
    "IndexDefinitionError",
    "IndexResult",
    "RankCheck",
    "build_and_store",
    "build_index",
    "build_report",
    "load_definition",
    "packaged_definitions",
]
