"""The demo borough end to end: its boundaries assign every UPRN to the areas the generator put it in, its SPI
builds from the census-shaped tables, and access to green space and GPs is measured from its service files."""

from __future__ import annotations

import pandas as pd
import pytest

from placehub.insight.access import measure_access
from placehub.insight.indices import build_and_store
from placehub.place.geography import assign_uprns, load_geography
from placehub.store import Vault


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from placehub.demo.borough import build_borough

    out = tmp_path_factory.mktemp("demo")
    return out, build_borough(out, seed=1, households=8000)


def test_demo_geography_spi_and_access(settings, demo):
    out, files = demo
    vault = Vault(settings.vault_path)
    loaded = load_geography(vault, [files.lsoa_boundaries, files.msoa_boundaries, files.ward_boundaries])
    truth = pd.read_csv(files.gazetteer, dtype=str)
    with vault.connect() as con:
        con.register("t", truth)
        con.execute(
            'create table gazetteer as select "UPRN" as uprn, "POSTCODE" as postcode, '
            '"CLASSIFICATION_CODE" as classification, cast("X_COORDINATE" as double) as x, '
            'cast("Y_COORDINATE" as double) as y, null::varchar as lsoa, null::varchar as msoa, '
            "null::varchar as ward from t"
        )
    summary = assign_uprns(vault)
    assert summary.uprns == len(truth)
    assert summary.methods["lsoa"] == {"polygon": len(truth)}
    with vault.connect(read_only=True) as con:
        got = con.execute("select uprn, lsoa, msoa, ward from gazetteer order by uprn").df().set_index("uprn")
    expected = truth.set_index("UPRN").loc[got.index]
    assert (got["lsoa"] == expected["LSOA_CODE"]).all()
    assert (got["msoa"] == expected["MSOA_CODE"]).all()
    assert (got["ward"] == expected["WARD_CODE"]).all()

    built = build_and_store(settings, "demo-spi", demo_data=out)
    assert len(built.result.areas) == loaded.areas["lsoa"]
    assert sorted(built.result.values.query("component == 'index'")["rank"]) == list(
        range(1, loaded.areas["lsoa"] + 1)
    )

    gates = measure_access(settings, "green_space_gates", files.green_space_access_points)
    parks = measure_access(settings, "green_space", files.green_spaces, step=10.0)
    gps = measure_access(settings, "gp", files.gp_surgeries)
    with vault.connect(read_only=True) as con:
        d = con.execute(
            "select g.distance_m as gate, p.distance_m as park from access_distances g "
            "join access_distances p using (uprn) "
            "where g.service = 'green_space_gates' and p.service = 'green_space' order by uprn"
        ).df()
    # gates lie on the park edges, so the park (edge vertices every 10 m, or 0 inside) is never further than
    # the nearest gate by more than half a segment
    assert len(d) == len(truth)
    assert (d["park"] <= d["gate"] + 5.0 + 1e-9).all()
    assert gps.service_points == len(pd.read_csv(files.gp_surgeries))
    surgeries = pd.read_csv(files.gp_surgeries, dtype=str)
    with vault.connect(read_only=True) as con:
        own = con.execute("select uprn, distance_m from access_distances where service = 'gp'").df()
    # each surgery is itself a gazetteer UPRN at the same coordinates: 0 m from the nearest GP
    assert (own.set_index("uprn").loc[surgeries["uprn"], "distance_m"] == 0.0).all()
    for result in (gates, parks, gps):
        wards = result.indicators.query("level == 'ward' and threshold_m == 1000")
        assert wards["addresses"].sum() == len(truth)
        assert wards["share_addresses"].between(0, 1).all()
