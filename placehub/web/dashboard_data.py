"""The place dashboard's figures: loads from the catalogue; match rates, people and households as counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from placehub.ingest import list_loads
from placehub.settings import Settings
from placehub.store import Catalogue
from placehub.store.models_govern import AgreementRecord, Organisation
from placehub.web.vault_read import tables, vault_reader


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


def load_rows(settings: Settings, limit: int | None = None) -> list[LoadRow]:
    rows = [
        LoadRow(x.id, x.source, x.kind, x.file_name, x.rows_total, x.rows_accepted, x.rows_rejected, x.status,
                x.user, x.finished_at)
        for x in list_loads(settings)
    ]  # fmt: skip
    return rows[:limit] if limit else rows


def match_rates(settings: Settings) -> list[MatchRate]:
    with vault_reader(settings) as v:
        if v is None or not tables(*v, "matches"):
            return []
        _, con = v
        found = con.execute(
            "select source, count(*), count(*) filter (where status = 'auto'), "
            "count(*) filter (where status = 'reviewed'), count(*) filter (where status = 'review'), "
            "count(*) filter (where status = 'unmatched') from matches group by source order by source"
        ).fetchall()
    return [MatchRate(*row) for row in found]


def dashboard(settings: Settings, catalogue: Catalogue) -> Dashboard:
    d = Dashboard()
    d.loads = load_rows(settings)
    d.sources_current = len({r.source for r in d.loads if r.kind == "source" and r.status == "current"})
    with catalogue.session() as s:
        d.agreements = s.scalar(select(func.count()).select_from(AgreementRecord)) or 0
        d.organisations = s.scalar(select(func.count()).select_from(Organisation)) or 0
    d.match_rates = match_rates(settings)
    with vault_reader(settings) as v:
        if v is not None:
            vault, con = v
            if tables(vault, con, "gazetteer"):
                d.gazetteer_addresses = con.execute("select count(distinct uprn) from gazetteer").fetchone()[
                    0
                ]
            if tables(vault, con, "persons"):
                d.people = con.execute("select count(*) from persons").fetchone()[0]
            if tables(vault, con, "households"):
                d.households = con.execute("select count(*) from households").fetchone()[0]
    return d
