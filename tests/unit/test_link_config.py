"""Linkage settings are checked when made, with every problem named at once."""

from __future__ import annotations

import pytest

from placehub.link.config import LinkConfig, LinkSettingsError


def test_round_trip() -> None:
    c = LinkConfig(match_threshold=0.9, review_threshold=0.4, seed=3)
    assert LinkConfig.from_json(c.to_json()) == c


def test_all_problems_reported() -> None:
    with pytest.raises(LinkSettingsError) as exc:
        LinkConfig(match_threshold=1.5, review_threshold=0.0, engine="oracle")
    assert str(exc.value) == (
        "Linkage settings are not usable:\n"
        "  * match_threshold must be a probability above 0 and at most 1 (got 1.5)\n"
        "  * review_threshold must be a probability above 0 and at most 1 (got 0.0)\n"
        "  * engine must be one of duckdb, spark (got 'oracle')"
    )


def test_review_band_upside_down() -> None:
    with pytest.raises(LinkSettingsError, match="must not be above match_threshold"):
        LinkConfig(match_threshold=0.5, review_threshold=0.8)
