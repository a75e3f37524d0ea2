"""Match review: a record's address beside its best candidates, each with a map pin, and the decision.

The record's address is person-level. It is shown only to a viewer holding a governed access whose agreement
covers the source's address columns. Review items are not yet placed (their match is unconfirmed), so the
showing goes through ``Access.review_rows`` — the clerical-review door that admits named unplaced records
under the agreement's column, date, role and objection rules — and is written to the audit chain as
``match.review.show``. A record withheld by an objection is not shown.

The queue (item ids, source, record id, reason, number of candidates: no address), the candidates the matcher
kept for a record (gazetteer addresses) and the gazetteer facts about candidate UPRNs are cached until the
vault changes or a decision is made here. The record's own address comes through ``Access.review_rows`` on
every showing: checked against the agreement and audited each time, though govern may answer it from memory
while the vault and the objections in force are unchanged (``govern.remembered``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import duckdb

from placehub.errors import NotFound
from placehub.govern import Access
from placehub.match import ReviewItemView, ReviewOutcome, accept, list_review, reject
from placehub.match.review import address_columns, address_roles, item_candidates
from placehub.place.boundaries import bng_to_latlon
from placehub.settings import Settings
from placehub.store import Vault
from placehub.store.models_match import MatchReviewItem
from placehub.web.deps import VAULT_LOCK
from placehub.web.vault_read import cached, invalidate, on_demand, reading, tables, vault_reader


@dataclass(frozen=True)
class CandidateView:
    number: int
    uprn: str
    address: str
    postcode: str | None
    score: float | None
    suggested: bool
    lat: float | None = None
    lon: float | None = None
    classification: str | None = None
    lsoa: str | None = None
    ward: str | None = None


@dataclass
class ReviewPage:
    item_id: int
    source: str
    record_id: str
    address: str | None
    postcode: str | None
    reason: str
    suggested_uprn: str | None
    candidates: list[CandidateView]
    next_item: int | None
    position: int
    open_items: int
    areas_geojson: str = '{"type":"FeatureCollection","features":[]}'
    pins_json: str = "[]"
    purpose: str = ""


@dataclass
class QueueRow:
    item_id: int
    source: str
    record_id: str
    reason: str
    candidates: int


@dataclass
class Queue:
    rows: list[QueueRow] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)


def open_items(settings: Settings, source: str | None = None) -> list[ReviewItemView]:
    """Every open item with its record's address (person-level: read afresh, never cached)."""
    with reading(settings):  # list_review reads the vault read-only
        return list_review(settings, source)


def _read_queue(settings: Settings) -> tuple[QueueRow, ...]:
    # list_review reads addresses too; only ids, reasons and candidate counts are kept
    return tuple(
        QueueRow(i.id, i.source, i.record_id, i.reason, len(i.candidates)) for i in open_items(settings)
    )


def queue_rows(settings: Settings) -> tuple[QueueRow, ...]:
    """Open items (no addresses), oldest first; from memory until the vault changes or a decision here."""
    return cached(settings, "review.queue", lambda: _read_queue(settings))


def queue(settings: Settings, source: str | None = None) -> Queue:
    q = Queue()
    for r in queue_rows(settings):
        if source and r.source != source:
            continue
        q.rows.append(QueueRow(r.item_id, r.source, r.record_id, r.reason, r.candidates))
        q.sources[r.source] = q.sources.get(r.source, 0) + 1
    return q


def open_item(
    access: Access, settings: Settings, item_id: int, con: duckdb.DuckDBPyConnection | None = None
) -> ReviewItemView:
    """One open item with its record's address and candidates, read afresh (catalogue, then the vault over
    ``con``, else a read-only connection of its own)."""
    if not 0 < item_id < 2**63:  # the catalogue's ids are 64-bit; anything else names no item
        raise NotFound(f"Review item {item_id} is not open: it was decided already or does not exist.")
    with access.catalogue.session() as s:
        row = s.get(MatchReviewItem, item_id)
        if row is None or row.state != "open":
            raise NotFound(f"Review item {item_id} is not open: it was decided already or does not exist.")
        source, record_id, postcode = row.source, row.record_id, row.postcode
        suggested, reason = row.suggested_uprn, row.reason
    candidates = _candidates(settings, source, record_id, con)
    # The record's own address is not read here: review_page shows it from the governed, audited read.
    return ReviewItemView(item_id, source, record_id, None, postcode, suggested, reason, candidates)


def _candidates(
    settings: Settings, source: str, record_id: str, con: duckdb.DuckDBPyConnection | None
) -> list[dict]:
    """The gazetteer candidates the matcher kept for a record (UPRNs and gazetteer addresses, not the
    record's own): read once per vault state, over ``con`` else a read-only connection of its own."""

    def read() -> tuple[dict, ...]:
        if con is not None:
            found = tables(Vault(settings.vault_path), con, "matches")
            return tuple(item_candidates(con, source, record_id)) if found else ()
        with vault_reader(settings) as v:
            if v is None or not tables(*v, "matches"):
                return ()
            return tuple(item_candidates(v[1], source, record_id))

    found = cached(settings, ("review.candidates", source, record_id), read, frozenset({"matches"}))
    return [dict(c) for c in found]


def _show_address(
    access: Access, settings: Settings, item: ReviewItemView, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[str, str | None]:
    """The record's address and postcode through the agreement, audited; refused unless the agreement covers
    this source's address columns for this record."""
    address_cols, postcode_cols, _ = address_roles(settings, item.source)
    columns = address_columns(settings, item.source)
    # NotPermitted (audited) names every missing column; ``con`` (read-only) takes the vault lock if opened
    shown = access.review_rows(
        item.source,
        columns,
        [item.record_id],
        action="match.review.show",
        context={"review_item": item.id},
        con=con,
    )
    if shown.empty:
        raise NotFound(
            f"Review item {item.id}'s record cannot be shown: it is withheld (an objection) "
            "or no longer loaded."
        )
    row = shown.iloc[0]
    parts = [
        str(row[c]).strip() for c in address_cols if c in row and row[c] is not None and str(row[c]).strip()
    ]
    postcode = next((str(row[c]) for c in postcode_cols if c in row and row[c] is not None), item.postcode)
    return ", ".join(parts), postcode


def _gazetteer_facts(settings: Settings, uprns: list[str]) -> tuple[dict[str, tuple], str]:
    """UPRN → (x, y, classification, lsoa, ward, lat, lon) and the LSOA outlines around them (GeoJSON).

    Gazetteer facts about addresses, not about the resident: cached until the vault changes.
    """
    key = ("review.gazetteer", tuple(sorted(set(uprns))))
    read = lambda: _read_gazetteer_facts(settings, uprns)  # noqa: E731
    return cached(settings, key, read, frozenset({"gazetteer", "areas"}))


def _read_gazetteer_facts(settings: Settings, uprns: list[str]) -> tuple[dict[str, tuple], str]:
    facts: dict[str, tuple] = {}
    outlines = {"type": "FeatureCollection", "features": []}
    if not uprns:
        return facts, json.dumps(outlines)
    with vault_reader(settings) as v:
        if v is None or not tables(*v, "gazetteer"):
            return facts, json.dumps(outlines)
        vault, con = v
        cols = {r[0] for r in con.execute("select column_name from (describe gazetteer)").fetchall()}
        pick = ", ".join(
            f"any_value({c})" if c in cols else "null" for c in ("x", "y", "classification", "lsoa", "ward")
        )
        for row in con.execute(
            f"select uprn, {pick} from gazetteer where uprn in (select unnest(?::VARCHAR[])) group by uprn",  # noqa: S608
            [uprns],
        ).fetchall():
            x, y = row[1], row[2]
            # the map pin, converted here (once per vault state) rather than on every showing: a pyproj
            # transform per candidate was a third of a review page's time
            facts[row[0]] = (
                *row[1:],
                *(bng_to_latlon(x, y) if x is not None and y is not None else (None,) * 2),
            )
        lsoas = sorted({f[3] for f in facts.values() if f[3]})
        if lsoas and tables(vault, con, "areas"):
            for code, name, geo in con.execute(
                "select code, name, geojson from areas "
                "where level = 'lsoa' and code in (select unnest(?::VARCHAR[]))",
                [lsoas],
            ).fetchall():
                outlines["features"].append(
                    {
                        "type": "Feature",
                        "properties": {"code": code, "name": name},
                        "geometry": json.loads(geo),
                    }
                )
    return facts, json.dumps(outlines)


def review_page(access: Access, settings: Settings, item_id: int) -> ReviewPage:
    # one read-only connection for the record's candidates and its governed, audited showing, opened (with the
    # app's vault lock held shared) only if either is not remembered from an earlier showing
    with on_demand(settings) as con:
        item = open_item(access, settings, item_id, con)  # NotFound when decided already
        address, postcode = _show_address(access, settings, item, con)
        item = replace(item, address=address, postcode=postcode)
    rows = queue_rows(settings)
    ids = [r.item_id for r in rows]
    if item_id not in ids:  # opened since the queue was cached (e.g. a match run): read the queue again
        invalidate()
        ids = [r.item_id for r in queue_rows(settings)]
    index = ids.index(item_id) if item_id in ids else len(ids)
    if index == len(ids):
        ids.append(item_id)
    uprns = [str(c.get("uprn")) for c in item.candidates if c.get("uprn")]
    facts, outlines = _gazetteer_facts(settings, uprns)
    cands = []
    for n, c in enumerate(item.candidates, start=1):
        uprn = str(c.get("uprn"))
        _x, _y, cls, lsoa, ward, lat, lon = facts.get(uprn, (None,) * 7)
        cands.append(
            CandidateView(n, uprn, c.get("address") or "", c.get("postcode"), c.get("score"),
                          uprn == item.suggested_uprn, lat, lon, cls, lsoa, ward)
        )  # fmt: skip
    pins = [{"n": c.number, "uprn": c.uprn, "lat": c.lat, "lon": c.lon, "suggested": c.suggested}
            for c in cands if c.lat is not None]  # fmt: skip
    following = ids[index + 1] if index + 1 < len(ids) else (ids[0] if len(ids) > 1 else None)
    return ReviewPage(
        item_id=item.id, source=item.source, record_id=item.record_id, address=item.address,
        postcode=item.postcode, reason=item.reason, suggested_uprn=item.suggested_uprn, candidates=cands,
        next_item=following, position=index + 1, open_items=len(ids),
        areas_geojson=outlines, pins_json=json.dumps(pins), purpose=access.purpose,
    )  # fmt: skip


def decide(
    access: Access, settings: Settings, item_id: int, decision: str, uprn: str | None, user: str
) -> ReviewOutcome:
    """Accept (with ``uprn`` or the suggestion) or reject an item, as ``user``, under a governed access."""
    item = open_item(access, settings, item_id)  # NotFound when decided already or unknown
    access.check(item.source, address_columns(settings, item.source))
    as_user = replace(settings, user=user)
    try:
        with VAULT_LOCK:
            if decision == "accept":
                return accept(as_user, item_id, uprn or None)
            return reject(as_user, item_id)
    finally:
        invalidate()  # the decision settles this item (and any with the same address): queues change now
