"""``placehub demo run``: build the synthetic borough and run the whole pipeline over it, stage by stage.

Each stage is a plain function taking the demo's context and returning summary lines, so the CLI only prints.
The demo keeps everything in its own folder (borough files and a placehub home) and starts afresh each run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from placehub.demo.borough import BoroughFiles, build_borough
from placehub.settings import Settings, get_settings

# The four partner files and the source (contract) each is loaded as.
PARTNER_SOURCES: tuple[tuple[str, str], ...] = (
    ("shielded_list", "shielded-list"),
    ("adult_social_care", "adult-social-care"),
    ("food_support", "food-support"),
    ("free_school_meals", "free-school-meals"),
)


@dataclass
class DemoContext:
    folder: Path
    seed: int
    households: int | None
    settings: Settings
    files: BoroughFiles | None = None
    summary: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def note(self, section: str, label: str, value: object) -> None:
        self.summary.setdefault(section, []).append((label, str(value)))


def prepare(folder: Path, seed: int, households: int | None) -> DemoContext:
    """A fresh demo folder: ``borough/`` for the generated files, ``home/`` for placehub's own stores."""
    home = folder / "home"
    if home.exists():
        shutil.rmtree(home)
    settings = get_settings(home)
    settings.ensure_dirs()
    return DemoContext(folder=folder, seed=seed, households=households, settings=settings)


def stage_build(ctx: DemoContext) -> None:
    ctx.files = build_borough(ctx.folder / "borough", seed=ctx.seed, households=ctx.households)
    counts = ctx.files.row_counts()
    ctx.note("Borough", "addresses (UPRNs)", f"{counts[ctx.files.gazetteer]:,}")
    ctx.note("Borough", "residents", f"{counts[ctx.files.residents]:,}")
    ctx.note(
        "Borough",
        "LSOAs / wards",
        f"{counts[ctx.files.lsoa_boundaries]} / {counts[ctx.files.ward_boundaries]}",
    )


def stage_gazetteer(ctx: DemoContext) -> None:
    from placehub.place.gazetteer import load_gazetteer

    assert ctx.files is not None
    result = load_gazetteer(ctx.settings, ctx.files.gazetteer, "demo-gazetteer", user="demo")
    ctx.note("Gazetteer", "rows loaded", f"{result.rows:,} ({result.with_coordinates:,} with coordinates)")


# The demo's people: who signs in, for which organisation, in which role.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("priya", "council", "analyst"),
    ("sam", "council", "ig_officer"),
    ("tom", "food-network", "partner_worker"),
    ("gina", "good-neighbours", "partner_worker"),
    ("dee", "digital-charity", "partner_worker"),
)


def stage_governance(ctx: DemoContext) -> None:
    """Organisations, both agreements, demo users (random passwords in a 0600 file) and one objection."""
    import csv
    import secrets

    from placehub.govern import IdentifierKind, Role, add_objection, add_user, set_up_demo_governance
    from placehub.store import open_catalogue

    assert ctx.files is not None
    catalogue = open_catalogue(ctx.settings.database_url)
    try:
        gov = set_up_demo_governance(catalogue, ctx.settings)
        credentials = ctx.settings.home / "demo-credentials.txt"
        lines = []
        for username, org, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            add_user(catalogue, username, org, Role(role), password)
            lines.append(f"{username}\t{org}\t{role}\t{password}")
        credentials.write_text("username\torganisation\trole\tpassword\n" + "\n".join(lines) + "\n")
        credentials.chmod(0o600)
        # One resident on the shielded list has objected: they must never reach the vault.
        with ctx.files.shielded_list.open(newline="", encoding="utf-8") as f:
            objector = next(csv.DictReader(f))["NHS_NUMBER"]
        add_objection(
            catalogue, ctx.settings.keys_dir, IdentifierKind.NHS_NUMBER, objector, recorded_by="sam"
        )
    finally:
        catalogue.dispose()
    for a in gov.agreements:
        ctx.note("Governance", a.id, a.title)
    ctx.note("Governance", "demo users", f"{len(DEMO_USERS)} (passwords in {credentials})")
    ctx.note("Governance", "objections registered", "1")


def stage_outbreak(ctx: DemoContext) -> None:
    """Case records (date, address) with one planted cluster → UPRNs → a prospective scan → alerts."""
    from placehub.demo.outbreak import make_outbreak_cases
    from placehub.insight.outbreak import (
        OutbreakSettings,
        attach_uprns,
        load_gazetteer,
        run_outbreak,
        save_alerts,
    )
    from placehub.store import Vault

    vault = Vault(ctx.settings.vault_path)
    gazetteer = load_gazetteer(None, vault.path)
    cases, truth = make_outbreak_cases(gazetteer, seed=ctx.seed)
    # Case reports arrive with an address, not a UPRN: drop the generator's UPRN and match like real ones.
    reported = cases.drop(columns=["uprn"])
    reported.to_csv(ctx.folder / "borough" / "outbreak_cases.csv", index=False)
    placed = attach_uprns(reported, gazetteer, ctx.settings.home / "cache")
    correct = int((placed["uprn"] == cases["uprn"].astype(str)).sum())
    run = run_outbreak(placed, gazetteer, OutbreakSettings(seed=ctx.seed))
    with vault.connect() as con:
        save_alerts(con, run)
        # Counts by area and week are published from here (case id, date and UPRN only; no addresses).
        frame = placed[["case_id", "date", "uprn"]]  # noqa: F841 (read by DuckDB below)
        con.execute("create or replace table outbreak_cases as select * from frame")
    ctx.note("Outbreak", "cases placed on their true UPRN", f"{correct} of {len(cases)}")
    top = run.scans[max(run.scans)].most_likely
    ctx.note("Outbreak", "cases scanned", f"{run.cases_used:,} ({run.cases_unlocated} not placed on a UPRN)")
    if top is not None:
        import math

        # Found when the reported circle's centre lies within the planted circle.
        found = math.dist(top.centre, (truth.x, truth.y)) <= truth.radius_m
        ctx.note(
            "Outbreak",
            "most likely cluster (latest day)",
            f"{top.observed} cases within {top.radius * 1000:,.0f} m, {top.start} to {top.end}, "
            f"p = {top.p_value:.3f}" + (" — the planted cluster" if found else " — NOT the planted cluster"),
        )
    for alert in run.alerts[:2]:
        ctx.note("Outbreak", "alert", alert.text())


def stage_publish(ctx: DemoContext) -> None:
    """Disclosure-controlled releases, made by one person and approved by another, exported as open data."""
    from placehub.publish import publish_demo

    summary = publish_demo(ctx.settings, seed=ctx.seed, export_to=ctx.settings.home / "open-data")
    for label, value in summary.lines():
        ctx.note("Open data", label, value)


def stage_register(ctx: DemoContext) -> None:
    from placehub.act.rules import proxy_register
    from placehub.govern import build_register, verify
    from placehub.store import open_catalogue

    catalogue = open_catalogue(ctx.settings.database_url)
    try:
        result = build_register(
            catalogue, ctx.settings.home / "register", cohort_proxies=proxy_register(ctx.settings)
        )
        check = verify(catalogue)
    finally:
        catalogue.dispose()
    ctx.note("Transparency", "register", f"{result.html_path} ({result.agreements} agreements)")
    ctx.note("Transparency", "audit chain", check.message())


def stage_link(ctx: DemoContext) -> None:
    """One resident, one id: link every source's records (Splink on DuckDB) and group people by UPRN."""
    from placehub.demo.scoring import score_people
    from placehub.link import run_linkage
    from placehub.store import Vault, open_catalogue

    assert ctx.files is not None
    catalogue = open_catalogue(ctx.settings.database_url)
    try:
        run = run_linkage(ctx.settings, catalogue)
    finally:
        catalogue.dispose()
    with Vault(ctx.settings.vault_path).connect(read_only=True) as con:
        score = score_people(con, ctx.files.truth)
    ctx.note("Link", "records linked", f"{run.records:,}")
    ctx.note("Link", "people / households found", f"{run.people:,} / {run.households:,}")
    ctx.note("Link", "pairs for clerical review", f"{run.pairs_for_review:,}")
    ctx.note(
        "Link",
        "against the truth",
        f"precision {score.precision:.4f}, recall {score.recall:.4f}, F1 {score.f1:.4f} "
        f"(over {score.true_pairs:,} true record pairs)",
    )


def stage_act(ctx: DemoContext) -> None:
    """Both cohorts built, assigned to partners by area and capacity; a simulated fortnight of outcomes."""
    from placehub.act.demo import act_demo

    summary = act_demo(ctx.settings, seed=ctx.seed)
    for label, value in summary.lines():
        ctx.note("Act", label, value)


def stage_places(ctx: DemoContext) -> None:
    """Small areas for every UPRN, the demo's Social Progress Index, and access to green space and GPs."""
    from placehub.insight.access import measure_access
    from placehub.insight.indices import build_and_store
    from placehub.place.geography import assign_uprns, load_geography
    from placehub.store import Vault

    assert ctx.files is not None
    vault = Vault(ctx.settings.vault_path)
    f = ctx.files
    load_geography(vault, [f.lsoa_boundaries, f.msoa_boundaries, f.ward_boundaries])
    placed = assign_uprns(vault)
    ctx.note("Places", "UPRNs placed in LSOA / MSOA / ward", f"{placed.uprns:,}")
    built = build_and_store(ctx.settings, "demo-spi", demo_data=ctx.folder / "borough")
    ranked = built.result.scores["index"].sort_values(ascending=False)
    names = built.result.names
    top = ", ".join(f"{names.get(a, a)} ({v:.1f})" for a, v in ranked.head(3).items())
    bottom = ", ".join(f"{names.get(a, a)} ({v:.1f})" for a, v in ranked.tail(3).items())
    ctx.note("Places", "Social Progress Index: highest", top)
    ctx.note("Places", "Social Progress Index: lowest", bottom)
    for service, path in (("green_space", f.green_space_access_points), ("gp", f.gp_surgeries)):
        result = measure_access(ctx.settings, service, path, classification_prefixes=["R"])
        ctx.note(
            "Places", f"median distance to {service.replace('_', ' ')}", f"{result.median_distance_m:,.0f} m"
        )


def stage_ingest(ctx: DemoContext) -> None:
    from placehub.ingest.load import load_file

    assert ctx.files is not None
    for attr, source in PARTNER_SOURCES:
        r = load_file(ctx.settings, source, getattr(ctx.files, attr), user="demo")
        ctx.note(
            "Ingest",
            source,
            f"{r.rows_accepted:,} loaded, {r.rows_rejected:,} rejected, {r.rows_objected} withheld by "
            f"objection ({r.encoding or r.format})",
        )


def stage_match(ctx: DemoContext) -> None:
    from placehub.demo.scoring import score_matches
    from placehub.match.run import match_source
    from placehub.store import Vault

    assert ctx.files is not None
    for _attr, source in PARTNER_SOURCES:
        match_source(ctx.settings, source)
    with Vault(ctx.settings.vault_path).connect(read_only=True) as con:
        scores = score_matches(con, ctx.files.truth)
    for s in scores:
        ctx.note(
            "Match",
            s.source,
            f"{s.auto_share:.1%} auto-matched, {s.review_share:.1%} for review, "
            f"precision {s.precision:.2%} against the truth",
        )
    total = sum(s.records for s in scores)
    auto = sum(s.auto for s in scores)
    correct = sum(s.auto_correct for s in scores)
    review = sum(s.review for s in scores)
    ctx.note(
        "Match",
        "all sources",
        f"{auto / total:.1%} auto-matched, {review / total:.1%} for review, precision {correct / auto:.2%}",
    )


STAGES: tuple[tuple[str, Callable[[DemoContext], None]], ...] = (
    ("Building the borough", stage_build),
    ("Setting up agreements and users", stage_governance),
    ("Loading the gazetteer", stage_gazetteer),
    ("Placing UPRNs in small areas; indices and access", stage_places),
    ("Ingesting partner files", stage_ingest),
    ("Matching addresses to UPRNs", stage_match),
    ("Linking people across sources", stage_link),
    ("Acting: cohorts, partner worklists, a simulated fortnight", stage_act),
    ("Scanning for outbreaks", stage_outbreak),
    ("Publishing open data", stage_publish),
    ("Publishing the transparency register", stage_register),
)


def run_demo(
    folder: Path,
    *,
    seed: int = 1,
    households: int | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> DemoContext:
    """Run every stage in order; ``on_stage`` hears each stage's name as it starts."""
    ctx = prepare(folder, seed, households)
    for name, stage in STAGES:
        if on_stage:
            on_stage(name)
        stage(ctx)
    return ctx


def serve_demo(ctx: DemoContext, *, port: int = 8000) -> None:
    """Serve the web app over the demo's home on loopback until interrupted."""
    import uvicorn

    from placehub.web.app import create_app

    uvicorn.run(create_app(ctx.settings), host="127.0.0.1", port=port, log_level="warning")
