"""Index definitions: packaged YAML parses; a bad definition lists every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from placehub.insight.indices.definition import (
    IndexDefinitionError,
    Mean,
    Method,
    load_definition,
    packaged_definitions,
    parse_definition,
)
from placehub.insight.indices.scaling import Direction

VARS = {"shared_data": "/data", "home": "/home", "demo_data": "/demo"}


def test_packaged_definitions_parse(settings):
    assert sorted(packaged_definitions()) == ["demo-spi", "imd2019-england", "lewisham-spi"]
    spi = load_definition("lewisham-spi", settings)
    assert spi.method is Method.SPI
    assert [d.id for d in spi.dimensions] == ["basic_human_needs", "foundations_of_wellbeing", "opportunity"]
    assert len(spi.indicators) == 12
    assert spi.indicators["level4"].direction is Direction.HIGHER_IS_BETTER
    assert spi.dimension_mean.mean is Mean.POWER_MEAN and spi.dimension_mean.b == 0.5
    assert (
        spi.sources["occupancy"].path
        == settings.shared_data / "geography/lewisham/lbl_occupancy_rating_lsoa11.csv"
    )
    demo = load_definition("demo-spi", settings, demo_data=Path("/x/demo"))
    assert demo.sources["fuel"].path == Path("/x/demo/census_lsoa/lsoa_indicators.csv")
    imd = load_definition("imd2019-england", settings)
    assert [d.weight for d in imd.domains] == [22.5, 22.5, 13.5, 13.5, 9.3, 9.3, 9.3]
    assert imd.check_rank == ("imd", "IMD_rank")


def test_every_problem_is_reported_at_once():
    doc = {
        "name": "bad",
        "method": "spi",
        "level": "lsoa",
        "area_column": "code",
        "sources": {"t": {"path": "{nowhere}/t.csv"}, "u": {"path": "u.csv"}},
        "indicators": {
            "a": {"source": "u", "value": "A", "direction": "sideways"},
            "b": {"source": "missing", "numerator": ["B"]},
            "c": {"source": "u", "value": "C", "direction": "lower_is_better", "scaling": {"utopia": "best"}},
        },
        "dimensions": [
            {"id": "d", "components": [{"id": "k", "indicators": ["a", "z"], "weights": "magic"}]}
        ],
    }
    with pytest.raises(IndexDefinitionError) as err:
        parse_definition(doc, VARS, Path("/defs"))
    text = str(err.value)
    for needle in [
        "sources.t: unknown path variable 'nowhere'",
        "indicators.a.direction: 'sideways' is not one of higher_is_better, lower_is_better",
        "indicators.b.source: 'missing' is not a declared source",
        "indicators.b: say whether higher or lower is better",
        "indicators.b: a numerator needs a denominator",
        "indicators.c.scaling.utopia: a bound must be a number or 'observed', not 'best'",
        "indicator 'z' is not defined",
        "weights must be pca, equal or a mapping",
        "indicators not placed in any component: b, c",
    ]:
        assert needle in text, needle
    assert text.startswith("index definition has 9 problem(s):")


def test_relative_paths_read_from_the_definition_folder():
    doc = {
        "name": "x",
        "method": "imd",
        "level": "lsoa",
        "area_column": "code",
        "sources": {"s": {"path": "ranks.csv"}},
        "domains": [{"id": "d", "source": "s", "rank_column": "r", "weight": 100}],
    }
    d = parse_definition(doc, VARS, Path("/defs"))
    assert d.sources["s"].path == Path("/defs/ranks.csv")
    assert d.rank_1 == "highest"


def test_unknown_name_lists_known_ones(settings):
    with pytest.raises(
        IndexDefinitionError, match="no index definition 'nope': known are demo-spi, imd2019-england"
    ):
        load_definition("nope", settings)
