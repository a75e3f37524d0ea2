"""The place dashboard's figures: loads from the catalogue; match rates, people and households as counts.

The vault's counts are cached until the vault changes (``vault_read.cached``); loads, agreements and
organisations come from the catalogue on every request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from placehub.ingest import list_loads
from placehub.settings import Settings
from placehub.store import Catalogue
from placehub.store.models_govern import AgreementRecord, Organisation
from placehub.store.models_ingest import Load
from placehub.web.vault_read import cached, tables, vault_reader


@dataclass(frozen=True)
class LoadRow:
    id: int
    source: str
    kind: str
    file_name: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    status: str
    user: str
    finished_at: datetime


@dataclass(frozen=True)
class MatchRate:
    source: str
    records: int
    auto: int
    reviewed: int
    review: int
    unmatched: int

    @property
    def matched(self) -> int:
        return self.auto + self.reviewed

    @property
    def rate(self) -> float:
        return self.matched / self.records if self.records else 0.0


@dataclass
class Dashboard:
    loads: list[LoadRow] = field(default_factory=list)
    sources_current: int = 0
    gazetteer_addresses: int | None = None
    match_rates: list[MatchRate] = field(default_factory=list)
    people: int | None = None
    households: int | None = None
    agreements: int = 0
    organisations: int = 0


def load_rows(
    settings: Settings, limit: int | None = None, catalogue: Catalogue | None = None
) -> list[LoadRow]:
    """Every load, newest first; through the app's open ``catalogue`` when given (no engine per request)."""
    if catalogue is None:
        found = list_loads(settings)
    else:
        with catalogue.session() as s:
            found = list(s.scalars(select(Load).order_by(Load.id.desc())))
    rows = [
        LoadRow(x.id, x.source, x.kind, x.file_name, x.rows_total, x.rows_accepted, x.rows_rejected, x.status,
                x.user, x.finished_at)
        for x in found
    ]  # fmt: skip
    return rows[:limit] if limit else rows


@dataclass(frozen=True)
class VaultCounts:
    """The dashboard's figures from the vault: counts only, so they may be kept between requests."""

    match_rates: tuple[MatchRate, ...] = ()
    gazetteer_addresses: int | None = None
    people: int | None = None
    households: int | None = None


def _read_counts(settings: Settings) -> VaultCounts:
    """One read-only connection for every count (the lock is held for the queries only)."""
    with vault_reader(settings) as v:
        if v is None:
            return VaultCounts()
        vault, con = v
        rates: list = []
        if tables(vault, con, "matches"):
            rates = con.execute(
                "select source, count(*), count(*) filter (where status = 'auto'), "
                "count(*) filter (where status = 'reviewed'), count(*) filter (where status = 'review'), "
                "count(*) filter (where status = 'unmatched') from matches group by source order by source"
            ).fetchall()
        gazetteer = people = households = None
        if tables(vault, con, "gazetteer"):
            gazetteer = con.execute("select count(distinct uprn) from gazetteer").fetchone()[0]
        if tables(vault, con, "persons"):
            people = con.execute("select count(*) from persons").fetchone()[0]
        if tables(vault, con, "households"):
            households = con.execute("select count(*) from households").fetchone()[0]
    return VaultCounts(tuple(MatchRate(*row) for row in rates), gazetteer, people, households)


def vault_counts(settings: Settings) -> VaultCounts:
    return cached(settings, "dashboard.counts", lambda: _read_counts(settings))


def match_rates(settings: Settings) -> list[MatchRate]:
    return list(vault_counts(settings).match_rates)


def dashboard(settings: Settings, catalogue: Catalogue) -> Dashboard:
    d = Dashboard()
    d.loads = load_rows(settings, catalogue=catalogue)
    d.sources_current = len({r.source for r in d.loads if r.kind == "source" and r.status == "current"})
    with catalogue.session() as s:
        d.agreements = s.scalar(select(func.count()).select_from(AgreementRecord)) or 0
        d.organisations = s.scalar(select(func.count()).select_from(Organisation)) or 0
    counts = vault_counts(settings)
    d.match_rates = list(counts.match_rates)
    d.gazetteer_addresses, d.people, d.households = (
        counts.gazetteer_addresses,
        counts.people,
        counts.households,
    )
    return d
