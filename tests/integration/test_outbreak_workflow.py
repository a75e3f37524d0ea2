"""The outbreak workflow end to end on a synthetic gazetteer: planted cluster found, alerts stored, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from placehub.demo.outbreak import PlantedCluster, make_outbreak_cases
from placehub.insight.outbreak import (
    Alert,
    NearbyPlace,
    OutbreakError,
    OutbreakSettings,
    attach_uprns,
    run_outbreak,
    save_alerts,
    stored_alerts,
)
from placehub.settings import Settings
from tests.integration._scan_helpers import grid_gazetteer

SEED = 3


@pytest.fixture(scope="module")
def gazetteer() -> pd.DataFrame:
    return grid_gazetteer()


@pytest.fixture(scope="module")
def demo(gazetteer: pd.DataFrame):
    return make_outbreak_cases(gazetteer, seed=SEED)


def test_demo_cases_have_background_and_one_planted_cluster(gazetteer: pd.DataFrame, demo) -> None:
    cases, truth = demo
    assert list(cases.columns) == ["case_id", "date", "address", "postcode", "uprn"]
    assert len(cases) == 180 + 12  # 3 a day for 60 days, plus the planted 12
    assert (cases["date"].min(), cases["date"].max()) == (dt.date(2026, 1, 5), dt.date(2026, 3, 5))
    assert (truth.first_day, truth.last_day) == (dt.date(2026, 3, 2), dt.date(2026, 3, 5))
    planted = cases[cases.case_id.isin(truth.case_ids)]
    assert len(planted) == 12
    assert planted["date"].between(truth.first_day, truth.last_day).all()
    xy = planted.merge(gazetteer, on="uprn")[["x", "y"]].to_numpy()
    assert np.hypot(xy[:, 0] - truth.x, xy[:, 1] - truth.y).max() == truth.radius_m <= 400
    anchor = gazetteer.set_index("uprn").loc[truth.near_uprn]
    assert anchor.classification == "RI01"
    assert np.hypot(anchor.x - truth.x, anchor.y - truth.y) <= 150
    # Background cases sit only at houses (RD…), never at the care homes or schools.
    classes = cases.merge(gazetteer, on="uprn").classification
    assert set(classes) == {"RD04"}
    again, _ = make_outbreak_cases(gazetteer, seed=SEED)
    assert again.equals(cases)


def test_daily_scan_finds_the_planted_cluster(gazetteer: pd.DataFrame, demo) -> None:
    cases, truth = demo
    run = run_outbreak(
        cases, gazetteer, OutbreakSettings(seed=5), first_day=truth.last_day - dt.timedelta(days=1)
    )
    assert sorted(run.scans) == [truth.last_day - dt.timedelta(days=1), truth.last_day]
    assert (run.cases_used, run.cases_unlocated) == (192, 0)
    top = run.scans[truth.last_day].most_likely
    centre = gazetteer.set_index("uprn").loc[top.centre_id]
    # Found where and when it was planted: centre within 200 m, inside the planted days, p <= 0.01.
    assert np.hypot(centre.x - truth.x, centre.y - truth.y) <= 200
    assert truth.first_day <= top.start and top.end == truth.last_day
    assert top.observed >= 9
    assert top.p_value <= 0.01
    alert = next(a for a in run.alerts if a.analysis_day == truth.last_day and a.rank == 1)
    assert truth.near_uprn in [p.uprn for p in alert.nearby]
    assert alert.text().startswith(
        f"{top.observed} cases within {top.radius * 1000:.0f} m over {top.days} days"
    )


def test_no_planted_cluster_no_alert(gazetteer: pd.DataFrame) -> None:
    cases, truth = make_outbreak_cases(gazetteer, seed=SEED, planted=None)
    assert truth is None
    run = run_outbreak(cases, gazetteer, OutbreakSettings(seed=5, replications=199))
    assert run.alerts == []


def test_alert_in_plain_words() -> None:
    alert = Alert(
        analysis_day=dt.date(2026, 3, 5), rank=1, observed=9, expected=1.42, radius_m=400.0,
        first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 3, 5), llr=9.1, p_value=0.003,
        recurrence_days=333.3, centre_uprn="100000000291", x=530350.0, y=180500.0,
        nearby=(NearbyPlace("200000000001", "care home", "ELM LODGE CARE HOME", 150.2),
                NearbyPlace("200000000003", "school", "GRID PRIMARY SCHOOL", 364.0)),
    )  # fmt: skip
    assert alert.text() == (
        "9 cases within 400 m over 4 days (02 Mar to 05 Mar 2026; 1.4 expected), p = 0.003, recurrence "
        "once in 333 days; care homes nearby: ELM LODGE CARE HOME (150 m); "
        "schools nearby: GRID PRIMARY SCHOOL (364 m)"
    )


def test_alerts_are_kept_in_the_vault(tmp_path: Path, gazetteer: pd.DataFrame, demo) -> None:
    cases, truth = demo
    run = run_outbreak(cases, gazetteer, OutbreakSettings(seed=5, replications=199))
    with duckdb.connect(str(tmp_path / "vault.duckdb")) as con:
        assert stored_alerts(con).empty
        assert save_alerts(con, run) == len(run.alerts) == 1
        table = stored_alerts(con)
        assert table[["run_id", "analysis_day", "rank"]].values.tolist() == [
            [run.run_id, pd.Timestamp(truth.last_day), 1]
        ]
        assert table.alert[0] == run.alerts[0].text()
        nearby = json.loads(con.execute("select nearby from outbreak_alerts").fetchone()[0])
        assert [p["kind"] for p in nearby] == [p.kind for p in run.alerts[0].nearby]


def test_cases_without_uprn_go_through_the_match_engine(
    tmp_path: Path, gazetteer: pd.DataFrame, demo
) -> None:
    cases, _ = demo
    sample = cases.head(12).copy()
    true_uprns = sample.uprn.tolist()
    sample["uprn"] = None
    matched = attach_uprns(sample, gazetteer, cache_dir=tmp_path / "match")
    assert matched.uprn.tolist() == true_uprns


def test_cases_without_uprn_or_address_are_refused(gazetteer: pd.DataFrame) -> None:
    cases = pd.DataFrame({"case_id": ["C1"], "date": [dt.date(2026, 1, 1)]})
    with pytest.raises(
        OutbreakError, match="1 case\\(s\\) have no UPRN and the file has no address/postcode"
    ):
        attach_uprns(cases, gazetteer)


def test_cli_demo_cases_scan_and_alerts(tmp_path: Path, settings: Settings, gazetteer: pd.DataFrame) -> None:
    from placehub.cli import app

    gaz_csv = tmp_path / "gazetteer.csv"
    gazetteer.to_csv(gaz_csv, index=False)
    cases_csv = tmp_path / "cases.csv"
    runner = CliRunner()
    made = runner.invoke(app, ["outbreak", "demo-cases", "--gazetteer", str(gaz_csv), "--out", str(cases_csv),
                               "--seed", str(SEED)])  # fmt: skip
    assert made.exit_code == 0, made.output
    truth = json.loads(cases_csv.with_suffix(".truth.json").read_text())
    assert truth["last_day"] == "2026-03-05"
    scanned = runner.invoke(app, ["outbreak", "scan", "--cases", str(cases_csv), "--gazetteer", str(gaz_csv),
                                  "--replications", "199", "--seed", "5"])  # fmt: skip
    assert scanned.exit_code == 0, scanned.output
    assert "1 alert(s)" in scanned.output
    listed = runner.invoke(app, ["outbreak", "alerts"])
    assert listed.exit_code == 0, listed.output
    flat = "".join(ch for ch in listed.output if ch not in "│ \n")  # the table wraps long alerts
    anchor = {"200000000001": "ELMLODGECAREHOME", "200000000002": "OAKHOUSECAREHOME"}[truth["near_uprn"]]
    assert anchor in flat
    assert "2026-03-05" in flat


def test_cli_needs_exactly_one_input(settings: Settings) -> None:
    from placehub.cli import app

    result = CliRunner().invoke(app, ["outbreak", "scan"])
    assert result.exit_code == 1
    assert str(result.exception) == "Give exactly one of --cases FILE or --satscan-prm FILE."


def test_planted_cluster_near_a_school(gazetteer: pd.DataFrame) -> None:
    _, truth = make_outbreak_cases(gazetteer, seed=8, planted=PlantedCluster(near="school", extra_cases=10))
    assert gazetteer.set_index("uprn").loc[truth.near_uprn].classification.startswith("CE")
    assert len(truth.case_ids) == 10


def test_gazetteer_csv_with_addressbase_headers(tmp_path: Path) -> None:
    from placehub.insight.outbreak import load_gazetteer

    path = tmp_path / "gazetteer.csv"
    path.write_text(
        "UPRN,CLASSIFICATION_CODE,X_COORDINATE,Y_COORDINATE,POSTCODE,ADDRESS\n"
        '000100000001,RI01,458837.7,320709.1,YQ5 1GW,"MEADOWBANK LODGE, ASHCOMBE"\n'
    )
    gaz = load_gazetteer(path, tmp_path / "no-vault.duckdb")
    assert gaz[["uprn", "classification", "x", "y", "postcode", "address"]].values.tolist() == [
        ["000100000001", "RI01", 458837.7, 320709.1, "YQ5 1GW", "MEADOWBANK LODGE, ASHCOMBE"]
    ]


def test_gazetteer_from_the_vault_is_required_without_a_file(tmp_path: Path) -> None:
    from placehub.insight.outbreak import load_gazetteer

    with pytest.raises(OutbreakError, match="No vault yet"):
        load_gazetteer(None, tmp_path / "vault.duckdb")
    with duckdb.connect(str(tmp_path / "vault.duckdb")) as con:
        con.execute("create table gazetteer (uprn VARCHAR, x DOUBLE, y DOUBLE, classification VARCHAR, "
                    "address VARCHAR, postcode VARCHAR)")  # fmt: skip
        con.execute("insert into gazetteer values ('1', 1.0, 2.0, 'RD04', '1 A STREET', 'TT1 1AA')")
    assert load_gazetteer(None, tmp_path / "vault.duckdb").uprn.tolist() == ["1"]
