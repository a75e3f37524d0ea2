"""The public transparency register: every agreement in plain English, the algorithmic tools, the stand-in
measures (proxies) cohort rules rely on, monthly access counts per purpose from the audit chain, and the audit
head hash. Written as JSON and HTML (Jinja2).

Cohort proxies are passed in (``cohort_proxies``, e.g. ``placehub.act.rules.proxy_register(settings)``) rather
than read here, so govern never imports act (act builds on govern)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from placehub.govern.agreement import Agreement
from placehub.govern.agreements import current_agreements
from placehub.govern.algorithms import TOOLS
from placehub.govern.audit import entries, head
from placehub.store import Catalogue

TEMPLATES = Path(__file__).resolve().parent / "templates"

ARTICLE_6 = {
    "consent": "the person's consent (UK GDPR Art. 6(1)(a))",
    "contract": "a contract with the person (UK GDPR Art. 6(1)(b))",
    "legal_obligation": "a legal obligation (UK GDPR Art. 6(1)(c))",
    "vital_interests": "to protect someone's life (UK GDPR Art. 6(1)(d))",
    "public_task": "a task in the public interest or official authority (UK GDPR Art. 6(1)(e))",
    "legitimate_interests": "legitimate interests (UK GDPR Art. 6(1)(f))",
}
ARTICLE_9 = {
    "explicit_consent": "explicit consent (Art. 9(2)(a))",
    "employment_social_security": "employment, social security and social protection law (Art. 9(2)(b))",
    "vital_interests": "to protect someone's life (Art. 9(2)(c))",
    "not_for_profit": "a not-for-profit body's members (Art. 9(2)(d))",
    "made_public": "made public by the person (Art. 9(2)(e))",
    "legal_claims": "legal claims (Art. 9(2)(f))",
    "substantial_public_interest": "substantial public interest (Art. 9(2)(g))",
    "health_social_care": "health or social care (Art. 9(2)(h))",
    "public_health": "public health (Art. 9(2)(i))",
    "archiving_research": "archiving, research or statistics (Art. 9(2)(j))",
}


@dataclass(frozen=True)
class RegisterResult:
    json_path: Path
    html_path: Path
    agreements: int
    head_hash: str


def _agreement_entry(a: Agreement) -> dict[str, Any]:
    doc = a.document
    basis = doc["lawful_basis"]
    names = {p.organisation: p.name for p in a.parties}
    return {
        "id": a.id,
        "version": a.version,
        "title": a.title,
        "purpose": {"code": a.purpose, "description": a.purpose_description},
        "parties": [{"name": p.name, "roles": sorted(p.roles)} for p in a.parties],
        "lawful_basis": {
            "article_6": ARTICLE_6[basis["article_6"]],
            "article_9": ARTICLE_9.get(basis.get("article_9", "")),
            "schedule_1": basis.get("schedule_1"),
        },
        "data_items": [
            {
                "dataset": d.source,
                "provided_by": names.get(d.provider, d.provider),
                "shared_with": [names.get(r, r) for r in d.recipients],
                "special_category": d.special_category,
                "columns": list(d.columns),
            }
            for d in a.datasets
        ],
        "geography": {"whole_place": a.whole_place, "wards": sorted(a.wards), "lsoas": sorted(a.lsoas)},
        "start": a.start.isoformat(),
        "review": a.review.isoformat(),
        "end": a.end.isoformat(),
        "retention": {
            "rule": doc["retention"].get(
                "description", f"{a.retention_days_after_end} days after the agreement ends"
            ),
            "delete_by": a.retention_deadline().isoformat(),
        },
        "senior_responsible_owner": doc["sro"],
        "dpia_reference": doc["dpia_reference"],
        "disclosure_control": doc["disclosure_control"],
        "proxies": doc.get("proxies", []),
    }


def monthly_access_counts(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Reads of person-level rows per purpose and month, allowed and denied (from ``access.rows`` entries)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for e in entries(catalogue):
        if e["action"] == "access.rows":
            counts[(e["purpose"], e["time"][:7], e["outcome"])] += 1
    keys = sorted({(p, m) for p, m, _ in counts})
    return [
        {"purpose": p, "month": m, "allowed": counts[(p, m, "allowed")], "denied": counts[(p, m, "denied")]}
        for p, m in keys
    ]


def register_data(
    catalogue: Catalogue,
    *,
    now: datetime | None = None,
    cohort_proxies: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    """The register's content. ``cohort_proxies``: rows of cohort, version, purpose, rule, name, stands_for,
    rationale."""
    n, head_hash = head(catalogue)
    return {
        "generated_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "audit_head": {"entries": n, "hash": head_hash},
        "agreements": [_agreement_entry(a) for a in current_agreements(catalogue)],
        "algorithmic_tools": [t.as_dict() for t in TOOLS.values()],
        "cohort_proxies": list(cohort_proxies),
        "monthly_access": monthly_access_counts(catalogue),
    }


def build_register(
    catalogue: Catalogue,
    out_dir: Path,
    *,
    now: datetime | None = None,
    cohort_proxies: Sequence[dict[str, str]] = (),
) -> RegisterResult:
    data = register_data(catalogue, now=now, cohort_proxies=cohort_proxies)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "register.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    html_path = out_dir / "index.html"
    html_path.write_text(env.get_template("register.html").render(**data), encoding="utf-8")
    return RegisterResult(json_path, html_path, len(data["agreements"]), data["audit_head"]["hash"])
