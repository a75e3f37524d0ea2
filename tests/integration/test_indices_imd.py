"""The IMD 2019 recomputed from its seven published domain ranks (../shared/data/indices)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placehub.insight.indices import build_index, load_definition
from placehub.insight.indices.store import read_index_values, save_index
from placehub.store import Vault

pytestmark = pytest.mark.shared_data


def test_imd2019_ranks_reproduced(shared_data, settings):
    result = build_index(load_definition("imd2019-england", settings))
    published = pd.read_csv(shared_data / "indices/imd2019_england_lsoa11.csv", dtype={"lsoa11_code": str})
    published = published.set_index("lsoa11_code").loc[result.areas]
    idx = result.values[result.values["component"] == "index"].set_index("area_code").loc[result.areas]
    diff = np.abs(idx["rank"].to_numpy(dtype=int) - published["IMD_rank"].to_numpy())
    assert len(diff) == 32_844
    assert (diff == 0).sum() / len(diff) >= 0.996
    assert diff.max() <= 2
    # the same figures, as the engine reports them
    assert result.rank_check is not None
    assert (result.rank_check.exact, result.rank_check.max_abs_diff) == ((diff == 0).sum(), diff.max())
    # where ranks differ, the scores involved are closer than the published 3-decimal precision
    assert result.rank_check.max_score_gap < 0.0005
    # deciles from the recomputed ranks equal the published deciles wherever the rank is exact
    exact = diff == 0
    assert (idx["decile"].to_numpy()[exact] == published["IMD_decile"].to_numpy()[exact]).all()
    # domain rows carry the published domain ranks
    income = result.values[result.values["component"] == "income"].set_index("area_code").loc[result.areas]
    assert (income["rank"].to_numpy() == published["Income_rank"].to_numpy()).all()

    rows = save_index(Vault(settings.vault_path), result)
    assert rows == 32_844 * 8
    with Vault(settings.vault_path).connect(read_only=True) as con:
        stored = read_index_values(con, "imd2019-england")
    assert len(stored) == 32_844
    assert stored["rank"].min() == 1 and stored["rank"].max() == 32_844
