"""The gazetteer prepared for matching, once per gazetteer load, and kept for every later match.

Preparing means: normalising every gazetteer address into its key (placehub's exact path) and running
uk_address_matcher's own preparation (cleaning, term frequencies, inverted index) into a folder. Both are kept
under ``<vault folder>/match_prepared/<gazetteer key>/`` and reused while the gazetteer load is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from placehub.match.compare import FLOORS, Neighbourhood
from placehub.match.normalise import (
    SUB_BUILDING_WORDS,
    AreaNames,
    NormalisedAddress,
    join_word_runs,
    learn_area_names,
    normalise_address,
    normalise_postcode,
    property_numbers,
    segments,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = "2"
_KEYS_FILE = "gazetteer_keys.parquet"
_AREAS_FILE = "areas.json"
_UKAM_DIR = "uk_address_matcher"
_INDEX_FILE = "indexes.pickle"
#: Prepared gazetteers already loaded in this process (a server matches many sources against one gazetteer).
_LOADED: dict[tuple[str, str, float], PreparedGazetteer] = {}


@dataclass
class PreparedGazetteer:
    """The gazetteer's rows (by row number), their normalised forms and the exact-match indexes."""

    key: str
    folder: Path
    areas: AreaNames
    uprns: list[str]
    addresses: list[str]
    postcodes: list[str | None]
    normalised: list[NormalisedAddress]
    by_key_postcode: dict[tuple[str, str | None], tuple[int, ...]] = field(default_factory=dict)
    by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    rows_by_uprn: dict[str, tuple[int, ...]] = field(default_factory=dict)
    rows_by_postcode: dict[str | None, tuple[int, ...]] = field(default_factory=dict)
    document_frequency: dict[str, int] = field(default_factory=dict)
    area_words: frozenset[str] = frozenset()
    children: dict[int, int] = field(default_factory=dict)
    lists_parent_shells: bool = False
    _neighbourhoods: dict = field(default_factory=dict, repr=False)

    @property
    def ukam_folder(self) -> Path:
        return self.folder / _UKAM_DIR

    def __post_init__(self) -> None:
        by_kp: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        by_k: dict[str, list[int]] = defaultdict(list)
        by_u: dict[str, list[int]] = defaultdict(list)
        by_p: dict[str | None, list[int]] = defaultdict(list)
        for i, (n, pc, u) in enumerate(zip(self.normalised, self.postcodes, self.uprns, strict=True)):
            by_kp[(n.key, pc)].append(i)
            by_k[n.key].append(i)
            by_u[u].append(i)
            by_p[pc].append(i)
        self.by_key_postcode = {k: tuple(v) for k, v in by_kp.items()}
        self.by_key = {k: tuple(v) for k, v in by_k.items()}
        self.rows_by_uprn = {k: tuple(v) for k, v in by_u.items()}
        self.rows_by_postcode = {k: tuple(v) for k, v in by_p.items()}

        df: dict[str, int] = defaultdict(int)
        for n in self.normalised:
            for t in set(n.tokens):
                df[t] += 1
        self.document_frequency = dict(df)
        self.area_words = frozenset(t for name in self.areas.names for t in name)
        # A building the gazetteer divides: another address at its postcode is it plus a flat or floor before
        # ("FLAT 1, KING POINT, 5 HIGH STREET" divides "KING POINT, 5 HIGH STREET").
        children: dict[int, int] = {}
        for rows in self.rows_by_postcode.values():
            if len(rows) < 2:
                continue
            keys = [(r, self.normalised[r].key) for r in rows]
            for r, k in keys:
                if not k:
                    continue
                n = sum(
                    1
                    for r2, k2 in keys
                    if r2 != r and self.uprns[r2] != self.uprns[r] and k2.endswith(" " + k)
                )
                if n:
                    children[r] = n
        # Does this gazetteer list building shells (AddressBase style: every block of flats also has a parent
        # address) or only dwellings (an electoral list: "7 PARK TERRACE" is itself a home)? Only shells are
        # never the answer for a record that omits its flat. Measured: most flat rows have a parent row in a
        # shell-listing gazetteer (demo: 100%), few in a dwelling list (Merthyr: 7%).
        flats = [
            n.key for n in self.normalised if any(t in SUB_BUILDING_WORDS or t in FLOORS for t in n.core)
        ]
        keys = set(self.by_key)
        with_parent = sum(
            1 for k in flats if any(" ".join(k.split(" ")[j:]) in keys for j in range(1, len(k.split(" "))))
        )
        self.lists_parent_shells = bool(flats) and with_parent >= 0.5 * len(flats)
        self.children = children if self.lists_parent_shells else {}

    def neighbourhood(self, rows: set[int], postcodes: set[str | None], exclude_uprn: str) -> Neighbourhood:
        """The gazetteer addresses at ``postcodes`` and at ``rows``, other than ``exclude_uprn``'s."""
        if rows:
            return self._neighbourhood(rows, postcodes, exclude_uprn)
        # Without candidate rows it depends only on the postcodes: kept, as the postcode-block rule asks for
        # the same ones again and again.
        key = (frozenset(postcodes), exclude_uprn)
        found = self._neighbourhoods.get(key)
        if found is None:
            if len(self._neighbourhoods) > 200_000:
                self._neighbourhoods.clear()
            found = self._neighbourhoods[key] = self._neighbourhood(rows, postcodes, exclude_uprn)
        return found

    def _neighbourhood(self, rows: set[int], postcodes: set[str | None], exclude_uprn: str) -> Neighbourhood:
        pool = set(rows)
        for pc in postcodes:
            if pc is not None:
                pool.update(self.rows_by_postcode.get(pc, ()))
        rows_ = [r for r in sorted(pool) if self.uprns[r] != exclude_uprn]
        return Neighbourhood(
            tuple(self.normalised[r] for r in rows_),
            tuple(self.postcodes[r] for r in rows_),
            self.document_frequency,
            self.area_words,
            self.by_key,
        )

    def uprns_of(self, rows: tuple[int, ...]) -> set[str]:
        return {self.uprns[r] for r in rows}


def gazetteer_fingerprint(con: duckdb.DuckDBPyConnection, canonical: duckdb.DuckDBPyRelation) -> str:
    """A content key for a gazetteer without a load id: a hash over its (uprn, address, postcode) rows."""
    sql = (
        "select count(*), sum(hash(uprn || '|' || coalesce(address,'') || '|' || coalesce(postcode,''))) "  # noqa: S608
        f"from ({canonical.sql_query()})"
    )
    row = con.sql(sql).fetchone()
    digest = hashlib.sha256(f"{FORMAT_VERSION}:{row[0]}:{row[1]}".encode()).hexdigest()
    return digest[:16]


def _canonical_rows(
    canonical: duckdb.DuckDBPyRelation,
) -> tuple[list[str], list[str], list[str | None], list]:
    cols = set(canonical.columns)
    extras = [c for c in ("locality", "town") if c in cols]
    select = "uprn::VARCHAR, address::VARCHAR, postcode::VARCHAR" + "".join(f", {c}::VARCHAR" for c in extras)
    rows = (
        canonical.filter("uprn is not null and address is not null").select(select).order("1, 2").fetchall()
    )
    uprns = [r[0] for r in rows]
    addresses = [r[1] for r in rows]
    postcodes = [normalise_postcode(r[2]) for r in rows]
    extra_names = [v for r in rows for v in r[3:]]
    return uprns, addresses, postcodes, extra_names


def prepare_gazetteer(
    con: duckdb.DuckDBPyConnection, canonical: duckdb.DuckDBPyRelation, folder: Path, key: str
) -> PreparedGazetteer:
    """Prepare ``canonical`` (uprn, address, postcode[, locality, town]) into ``folder`` and return it."""
    from uk_address_matcher import prepare_canonical_folder

    uprns, addresses, postcodes, extra_names = _canonical_rows(canonical)
    segs = [segments(a) for a in addresses]
    areas = learn_area_names(segs, extra=sorted({e for e in extra_names if e}))
    normalised = [normalise_address(a, areas) for a in addresses]
    tmp = folder.with_name(folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    table = pa.table(
        {
            "row": pa.array(range(len(uprns)), pa.int64()),
            "uprn": uprns,
            "address": addresses,
            "postcode": postcodes,
            "tokens": [list(n.tokens) for n in normalised],
            "core_len": [len(n.core) for n in normalised],
        }
    )
    pq.write_table(table, tmp / _KEYS_FILE)
    (tmp / _AREAS_FILE).write_text(json.dumps(sorted(" ".join(n) for n in areas.names)))
    # uk_address_matcher's canonical id is our row number: one UPRN may carry several address strings.
    con.register("__placehub_canonical_rows", table)
    try:
        prepare_canonical_folder(
            con.sql(
                "select 'g' || row::VARCHAR as unique_id, address as address_concat, postcode "
                "from __placehub_canonical_rows"
            ),
            tmp / _UKAM_DIR,
            con=con,
            overwrite=True,
            show_progress="off",
        )
    finally:
        con.unregister("__placehub_canonical_rows")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    log.info("prepared gazetteer %s: %d rows", key, len(uprns))
    prepared = PreparedGazetteer(key, folder, areas, uprns, addresses, postcodes, normalised)
    _save_indexes(prepared)
    return prepared


def _save_indexes(prepared: PreparedGazetteer) -> None:
    """Keep the built indexes beside the keys: reading them back is several times faster than rebuilding."""
    state = {k: v for k, v in vars(prepared).items() if k not in ("folder", "_neighbourhoods")}
    tmp = prepared.folder / (_INDEX_FILE + ".tmp")
    with tmp.open("wb") as f:
        pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(prepared.folder / _INDEX_FILE)


def _load_indexes(folder: Path, key: str) -> PreparedGazetteer | None:
    path = folder / _INDEX_FILE
    if not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            state = pickle.load(f)  # noqa: S301 - written by placehub itself, in the vault's own folder
    except Exception:  # noqa: BLE001 - an unreadable file is rebuilt from the keys
        log.warning("prepared gazetteer %s: indexes unreadable, rebuilding", key)
        return None
    prepared = object.__new__(PreparedGazetteer)
    vars(prepared).update(state, key=key, folder=folder, _neighbourhoods={})
    return prepared


def load_prepared(folder: Path, key: str) -> PreparedGazetteer | None:
    """The prepared gazetteer kept in ``folder``, or None when there is none (or it is incomplete)."""
    if not (folder / _KEYS_FILE).is_file() or not (folder / _UKAM_DIR).is_dir():
        return None
    stamp = (str(folder), key, (folder / _KEYS_FILE).stat().st_mtime)
    if stamp in _LOADED:
        return _LOADED[stamp]
    prepared = _load_indexes(folder, key) or _load_keys(folder, key)
    _LOADED.clear()  # one gazetteer at a time: a new load replaces the old one
    _LOADED[stamp] = prepared
    return prepared


def forget_loaded() -> None:
    """Drop the prepared gazetteers kept in memory (the next load reads them from disk)."""
    _LOADED.clear()


def _load_keys(folder: Path, key: str) -> PreparedGazetteer:
    areas = AreaNames(frozenset(tuple(n.split(" ")) for n in json.loads((folder / _AREAS_FILE).read_text())))
    t = pq.read_table(folder / _KEYS_FILE).to_pydict()
    normalised = []
    for tokens, core_len in zip(t["tokens"], t["core_len"], strict=True):
        toks = tuple(tokens)
        core = toks[:core_len]
        normalised.append(NormalisedAddress(toks, core, join_word_runs(core), property_numbers(core)))
    prepared = PreparedGazetteer(key, folder, areas, t["uprn"], t["address"], t["postcode"], normalised)
    _save_indexes(prepared)
    return prepared


def prepared_gazetteer(
    con: duckdb.DuckDBPyConnection,
    canonical: duckdb.DuckDBPyRelation,
    cache_dir: Path,
    key: str | None = None,
) -> tuple[PreparedGazetteer, bool]:
    """The prepared gazetteer for ``canonical``, reused from ``cache_dir`` when kept; (prepared, reused)."""
    key = key or gazetteer_fingerprint(con, canonical)
    folder = cache_dir / f"{key}-v{FORMAT_VERSION}"
    kept = load_prepared(folder, key)
    if kept is not None:
        return kept, True
    return prepare_gazetteer(con, canonical, folder, key), False
