"""Match a source's current records against the gazetteer, in the vault; queue the uncertain for review."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from sqlalchemy import select, update

from placehub.match.engine import Progress, RecordAddress, RememberedDecision, match_addresses
from placehub.match.errors import NothingToMatch
from placehub.match.memo import memo_for
from placehub.match.prepared import (
    FORMAT_VERSION,
    PreparedGazetteer,
    gazetteer_fingerprint,
    load_prepared,
    prepared_gazetteer,
)
from placehub.match.thresholds import MatchStatus, MatchThresholds
from placehub.settings import Settings
from placehub.store import Vault, open_catalogue
from placehub.store.models_match import MatchDecisionRecord, MatchReviewItem, MatchRun

log = logging.getLogger(__name__)

MATCHES_COLUMNS = (
    "source VARCHAR, load_id BIGINT, record_id VARCHAR, address VARCHAR, postcode VARCHAR, uprn VARCHAR, "
    "method VARCHAR, score DOUBLE, status VARCHAR, candidates JSON, decided_by VARCHAR, "
    "matched_at TIMESTAMP, address_key VARCHAR, reason VARCHAR"
)


@dataclass(frozen=True)
class MatchRunResult:
    run_id: int
    source: str
    load_id: int | None
    records: int
    auto: int
    review: int
    reviewed: int
    unmatched: int
    seconds: float
    gazetteer_reused: bool
    thresholds: MatchThresholds

    @property
    def auto_share(self) -> float:
        return self.auto / self.records if self.records else 0.0

    @property
    def review_share(self) -> float:
        return self.review / self.records if self.records else 0.0


def ensure_matches_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create table if not exists matches ({MATCHES_COLUMNS})")


def prepared_cache_dir(settings: Settings) -> Path:
    """Prepared gazetteers are kept beside the vault file, one folder per gazetteer load."""
    return settings.vault_path.parent / "match_prepared"


def _gazetteer_key(con: duckdb.DuckDBPyConnection) -> str:
    cols = {r[0] for r in con.execute("select column_name from information_schema.columns "
                                      "where table_name = 'gazetteer'").fetchall()}  # fmt: skip
    if "load_id" in cols:
        row = con.execute("select count(distinct load_id), max(load_id) from gazetteer").fetchone()
        if row[0] == 1 and row[1] is not None:
            return f"load{row[1]}"
    return "content-" + gazetteer_fingerprint(con, con.table("gazetteer"))


def load_prepared_gazetteer(
    settings: Settings, vault_con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection
) -> tuple[PreparedGazetteer, bool]:
    """The vault's gazetteer, prepared for matching (reused when this gazetteer load was prepared before)."""
    key = _gazetteer_key(vault_con)
    kept = load_prepared(prepared_cache_dir(settings) / f"{key}-v{FORMAT_VERSION}", key)
    if kept is not None:
        return kept, True
    cols = {c.lower() for c in vault_con.table("gazetteer").columns}
    extras = [c for c in ("locality", "town") if c in cols]
    select_sql = "select uprn::VARCHAR as uprn, address, postcode" + "".join(f", {c}" for c in extras)
    arrow = vault_con.sql(select_sql + " from gazetteer").to_arrow_table()  # noqa: S608
    work.register("__placehub_gazetteer", arrow)
    try:
        return prepared_gazetteer(work, work.table("__placehub_gazetteer"), prepared_cache_dir(settings), key)
    finally:
        work.unregister("__placehub_gazetteer")


def remembered_decisions(settings: Settings, source: str) -> dict[tuple[str, str | None], RememberedDecision]:
    cat = open_catalogue(settings.database_url)
    try:
        with cat.session() as s:
            rows = s.scalars(select(MatchDecisionRecord).where(MatchDecisionRecord.source == source)).all()
            return {
                (r.address_key, r.postcode or None): RememberedDecision(
                    r.uprn, r.decided_by, r.decided_at.strftime("%Y-%m-%d")
                )
                for r in rows
            }
    finally:
        cat.dispose()


def match_source(
    settings: Settings,
    source: str,
    thresholds: MatchThresholds | None = None,
    progress: Progress | None = None,
) -> MatchRunResult:
    """Match every current record of ``source``; replaces the source's previous matches in the vault."""
    thresholds = thresholds or MatchThresholds()
    started = time.perf_counter()
    vault = Vault(settings.vault_path)
    if not vault.path.exists():
        raise NothingToMatch("The vault is empty: load a gazetteer and a source first.")
    remembered = remembered_decisions(settings, source)
    work = duckdb.connect()
    try:
        with vault.connect() as con:
            if not vault.has_table(con, "gazetteer"):
                raise NothingToMatch(
                    "No gazetteer is loaded: run `placehub gazetteer load FILE --contract C` first."
                )
            if not vault.has_table(con, "current_records"):
                raise NothingToMatch(f"Source '{source}' has no records: load one with `placehub ingest`.")
            rows = con.execute(
                "select record_id, address, postcode, uprn_supplied, load_id from current_records "
                "where source = ? order by row_number",
                [source],
            ).fetchall()
            if not rows:
                raise NothingToMatch(
                    f"Source '{source}' has no current records: "
                    f"load a file with `placehub ingest {source} FILE`."
                )
            prepared, reused = load_prepared_gazetteer(settings, con, work)
            load_id = rows[0][4]
            records = [RecordAddress(str(r[0]), r[1], r[2], r[3]) for r in rows]
            memo = memo_for(prepared.folder, thresholds)
            decisions = match_addresses(work, prepared, records, thresholds, remembered, progress, memo)
            memo.save()
            counts = Counter(d.status for d in decisions)
            now = datetime.now(UTC).replace(tzinfo=None)
            ensure_matches_table(con)
            con.execute("begin transaction")
            try:
                con.execute("delete from matches where source = ?", [source])
                con.executemany(
                    "insert into matches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        [source, load_id, d.record_id, rec.address, d.postcode, d.uprn, d.method.value,
                         d.score, d.status.value, d.candidates_json(), d.decided_by, now, d.address_key,
                         d.reason]
                        for rec, d in zip(records, decisions, strict=True)
                    ],
                )  # fmt: skip
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
    finally:
        work.close()
    seconds = time.perf_counter() - started
    cat = open_catalogue(settings.database_url)
    try:
        with cat.session() as s:
            run = MatchRun(
                source=source,
                load_id=load_id,
                gazetteer_key=prepared.key,
                thresholds_json=thresholds.to_json(),
                records=len(decisions),
                auto=counts[MatchStatus.AUTO],
                review=counts[MatchStatus.REVIEW],
                reviewed=counts[MatchStatus.REVIEWED],
                unmatched=counts[MatchStatus.UNMATCHED],
                gazetteer_reused=int(reused),
                seconds=seconds,
                run_by=settings.user,
            )
            s.add(run)
            s.flush()
            # A new run replaces the source's open queue: old items point at superseded matches.
            s.execute(
                update(MatchReviewItem)
                .where(MatchReviewItem.source == source, MatchReviewItem.state == "open")
                .values(state="superseded")
            )
            s.add_all(
                MatchReviewItem(
                    run_id=run.id,
                    source=source,
                    load_id=load_id,
                    record_id=d.record_id,
                    address_key=d.address_key,
                    postcode=d.postcode,
                    suggested_uprn=d.uprn,
                    reason=d.reason,
                )
                for d in decisions
                if d.status is MatchStatus.REVIEW
            )
            run_id = run.id
    finally:
        cat.dispose()
    log.info("matched source %s: %d records, %s", source, len(decisions), dict(counts))
    return MatchRunResult(
        run_id, source, load_id, len(decisions), counts[MatchStatus.AUTO], counts[MatchStatus.REVIEW],
        counts[MatchStatus.REVIEWED], counts[MatchStatus.UNMATCHED], seconds, reused, thresholds,
    )  # fmt: skip
