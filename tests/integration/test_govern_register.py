"""The transparency register: agreements in plain English, ATRS-style tool records, monthly access counts,
head."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from placehub.cli import app
from placehub.errors import NotPermitted
from placehub.govern import build_register, head, open_access
from placehub.store import open_catalogue
from tests.integration._govern_helpers import build_world


def test_register_json_and_html(catalogue_url: str, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(catalogue_url)
    build_world(cat, settings)
    access = open_access(cat, settings, username="ana", organisation="council", purpose="p-active")
    access.rows("shielded-list", ["patient_id"])
    access.rows("shielded-list", ["postcode"])
    with contextlib.suppress(NotPermitted):
        access.rows("shielded-list", ["nhs_number"])
    result = build_register(cat, tmp_path / "reg", now=datetime(2026, 11, 25, 12, tzinfo=UTC))
    data = json.loads(result.json_path.read_text())
    month = datetime.now(UTC).strftime("%Y-%m")
    assert data["monthly_access"] == [{"purpose": "p-active", "month": month, "allowed": 2, "denied": 1}]
    assert (
        data["audit_head"]
        == {"entries": head(cat)[0], "hash": head(cat)[1]}
        == {"entries": head(cat)[0], "hash": result.head_hash}
    )
    assert [(a["id"], a["purpose"]["code"]) for a in data["agreements"]] == [
        ("a-active", "p-active"),
        ("a-expired", "p-expired"),
        ("a-future", "p-future"),
    ]
    first = data["agreements"][0]
    assert first["lawful_basis"] == {
        "article_6": "a task in the public interest or official authority (UK GDPR Art. 6(1)(e))",
        "article_9": "health or social care (Art. 9(2)(h))",
        "schedule_1": "Part 1, paragraph 2: health or social care purposes",
    }
    assert first["data_items"] == [
        {
            "dataset": "shielded-list",
            "provided_by": "Test NHS Trust",
            "shared_with": ["Test Borough Council", "Community Food Network"],
            "special_category": True,
            "columns": ["patient_id", "surname", "postcode"],
        }
    ]
    assert [t["name"] for t in data["algorithmic_tools"]] == [
        "Address matching",
        "Person linkage",
        "Cohort rules",
        "Composite indices",
        "Space-time scan",
    ]
    html = result.html_path.read_text()
    assert f'<code id="audit-head">{result.head_hash}</code>' in html
    assert "Test agreement a-active" in html and "Deleted 90 days after the agreement ends." in html
    assert "<td>p-active</td><td>" + month + "</td><td>2</td><td>1</td>" in html
    cat.dispose()


def test_register_cli(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    out = tmp_path / "public"
    result = CliRunner().invoke(app, ["register", "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "register.json"]
    assert f"Register: 3 agreement(s), audit head {head(cat)[1]}" in result.output
    cat.dispose()


def test_register_lists_cohort_proxies(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cat = open_catalogue(settings.database_url)
    build_world(cat, settings)
    out = tmp_path / "public"
    result = CliRunner().invoke(app, ["register", "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "register.json").read_text())
    fsm = [p for p in data["cohort_proxies"] if p["name"] == "Free school meals eligibility"]
    assert fsm == [
        {
            "cohort": "digital-inclusion",
            "version": "1",
            "purpose": "digital-inclusion",
            "rule": "children-on-free-school-meals",
            "name": "Free school meals eligibility",
            "stands_for": "a household on a low income that may not afford a device or broadband",
            "rationale": "Eligibility is means-tested, so it is a fair, already-collected marker of low "
            "income; it says nothing about a family's actual access and is used only to offer help, which a "
            "family may decline.",
        }
    ]
    assert [(p["cohort"], p["name"]) for p in data["cohort_proxies"]] == [
        ("digital-inclusion", "Free school meals eligibility"),
        ("digital-inclusion", "Referral to the food network"),
    ]
    html = (out / "index.html").read_text()
    assert "<h2>Stand-in measures in cohort rules</h2>" in html
    assert (
        "<tr><td>digital-inclusion</td><td>1</td><td>digital-inclusion</td><td>children-on-free-school-meals</td>"
        "<td>Free school meals eligibility</td>"
        "<td>a household on a low income that may not afford a device or broadband</td>"
        "<td>Eligibility is means-tested, so it is a fair, already-collected marker of low income; it says "
        "nothing about a family&#39;s actual access and is used only to offer help, which a family may "
        "decline.</td></tr>"
    ) in html
    cat.dispose()
