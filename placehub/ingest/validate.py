"""Validate rows against a contract, a chunk at a time: accepted rows come out typed (plus their normalised
role columns), rejected rows come out with every reason, in words a partner can act on.

Uniqueness (unique fields, the primary key, duplicate record ids) spans the whole file, so it is settled after
the last chunk by ``Validator.duplicates()``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from placehub.ingest import columns as col
from placehub.ingest.contract import Contract, FieldSpec
from placehub.ingest.header import HeaderMap
from placehub.ingest.reasons import Reasons
from placehub.ingest.role_checks import NUMBER, check_roles
from placehub.ingest.roles import DATE_ROLES

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "year": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "boolean": pa.bool_(),
}
_INTEGER = r"[+-]?[0-9]{1,18}"
EXAMPLE = {"uk": "31/01/1950", "any": "31/01/1950", "default": "1950-01-31"}


def arrow_type(spec: FieldSpec) -> pa.DataType:
    return ARROW_TYPES.get(spec.type, pa.string())


@dataclass
class Rejected:
    row_number: int
    raw: str  # JSON object of the row's cells under their header names
    reasons: list[str]


@dataclass
class ChunkResult:
    accepted: pa.Table
    rejected: list[Rejected]


class Validator:
    """Holds what spans chunks (the contract, the header map, values seen in unique columns)."""

    def __init__(self, contract: Contract, header: HeaderMap, *, today: date | None = None) -> None:
        self.contract = contract
        self.header = header
        self.today = today or date.today()
        self.kinds: Counter[str] = Counter()
        pk = contract.primary_key
        self.unique_keys: list[tuple[str, ...]] = [(f.name,) for f in contract.fields if f.unique]
        if pk and tuple(pk) not in self.unique_keys:
            self.unique_keys.append(tuple(pk))
        rid = contract.role_field("record_id")
        if rid and (rid,) not in self.unique_keys:
            self.unique_keys.append((rid,))
        self.seen: dict[tuple[str, ...], list[pa.Table]] = {k: [] for k in self.unique_keys}
        self.required = {f.name for f in contract.fields if f.required} | set(pk)

    # ---- one chunk -------------------------------------------------------------------------------------
    def raw_json(self, cells: list[str]) -> str:
        names = self.header.names
        obj = {(names[i] if i < len(names) else f"column {i + 1}"): c for i, c in enumerate(cells)}
        return json.dumps(obj, ensure_ascii=False)

    def validate(self, rows: list[tuple[int, list[str]]]) -> ChunkResult:
        width = self.header.width
        good_numbers: list[int] = []
        good_cells: list[list[str]] = []
        rejected: list[Rejected] = []
        for number, cells in rows:
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            if not any(c.strip() for c in cells):
                continue  # a blank line is not a record
            if len(cells) != width:
                self.kinds["row has the wrong number of cells"] += 1
                reason = f"has {len(cells)} cells but the header has {width}"
                if len(cells) < width and any("\n" in c for c in cells):
                    reason += (
                        '; a quote (") opened in it may never be closed'  # it swallowed the lines after it
                    )
                rejected.append(Rejected(number, self.raw_json(cells), [reason]))
                continue
            good_numbers.append(number)
            good_cells.append(cells)
        reasons = Reasons()
        out: dict[str, pa.Array] = {"_row_number": pa.array(good_numbers, pa.int64())}
        trimmed_by_field: dict[str, pa.Array] = {}
        typed_by_field: dict[str, pa.Array] = {}
        for i, (spec, ci) in enumerate(zip(self.contract.fields, self.header.columns, strict=True)):
            original = pa.array([c[ci] for c in good_cells], pa.string())
            reasons.column = ci
            typed, parsed, trimmed = self._field(spec, original, reasons)
            trimmed_by_field[spec.name] = trimmed
            typed_by_field[spec.name] = parsed
            out[f"f{i}"] = typed
            if spec.type != "string":
                out[f"t{i}"] = pc.if_else(pc.is_null(trimmed), pa.scalar(None, pa.string()), original)
        roles = check_roles(self.contract, self.header, self.today, trimmed_by_field, typed_by_field, reasons)
        for role_name, arr in roles.items():
            out[f"r_{role_name}"] = arr
        numbers = np.asarray(good_numbers, dtype=np.int64)
        if self.unique_keys:
            # a fingerprint of each row, so a row sent twice can be told from two rows that disagree
            prints = pa.array([hash(tuple(c)) for c in good_cells], pa.int64())
            for key in self.unique_keys:
                self._remember(key, numbers, prints, trimmed_by_field)
        ok = np.ones(len(good_numbers), dtype=bool)
        for idx in reasons.by_row:
            ok[idx] = False
            rejected.append(
                Rejected(good_numbers[idx], self.raw_json(good_cells[idx]), reasons.messages(idx))
            )
        self.kinds.update(reasons.kinds)
        rejected.sort(key=lambda r: r.row_number)
        return ChunkResult(pa.table(out).filter(pa.array(ok)), rejected)

    def _field(
        self, spec: FieldSpec, original: pa.Array, reasons: Reasons
    ) -> tuple[pa.Array, pa.Array, pa.Array]:
        """(value for raw_<source>, parsed value for roles, trimmed text or null)."""
        label = self.contract.label(spec.name)
        trimmed = pc.utf8_trim_whitespace(original)
        blank = col.mask(pc.equal(trimmed, ""))
        trimmed = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), trimmed)
        present = ~blank
        if spec.name in self.required and blank.any():
            rows = np.flatnonzero(blank)
            reasons.add(rows, f"{label} is missing", [f"{label} is missing"] * len(rows))
        typed, bad = self._parse(spec, label, trimmed, present, reasons)
        self._constraints(spec, label, trimmed, typed, present & ~bad, reasons)
        raw = typed
        if (
            spec.type == "string"
        ):  # text is kept verbatim; a string-typed date role is parsed only for records
            raw = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), original)
        return raw, typed, trimmed

    def _parse(
        self, spec: FieldSpec, label: str, trimmed: pa.Array, present: np.ndarray, reasons: Reasons
    ) -> tuple[pa.Array, np.ndarray]:
        t = spec.type
        none = np.zeros(len(trimmed), dtype=bool)
        if t in ("integer", "year", "number"):
            pattern = NUMBER if t == "number" else _INTEGER
            ok = col.regex_mask(trimmed, pattern)
            bad = present & ~ok
            what = "a number" if t == "number" else ("a year" if t == "year" else "a whole number")
            reasons.fail(bad, trimmed, f"{label} is not {what}", f"{label} '{{v}}' is not {what}")
            cleaned = pc.if_else(pa.array(ok), trimmed, pa.scalar(None, pa.string()))
            return pc.cast(cleaned, arrow_type(spec)), bad
        if t == "boolean":
            true_m = col.mask(pc.is_in(trimmed, pa.array(list(spec.true_values))))
            false_m = col.mask(pc.is_in(trimmed, pa.array(list(spec.false_values))))
            bad = present & ~(true_m | false_m)
            allowed = "/".join([spec.true_values[0], spec.false_values[0]])
            reasons.fail(bad, trimmed, f"{label} is not {allowed}", f"{label} '{{v}}' is not {allowed}")
            typed = pc.if_else(pa.array(true_m), True, pc.if_else(pa.array(false_m), False, None))
            return typed, bad
        if t == "date" or (t == "string" and self.contract.role_of(spec.name) in DATE_ROLES):
            fmt = spec.format if t == "date" else "uk"
            typed, err = col.per_distinct(trimmed, col.date_parser(fmt, self.today), None, pa.date32())
            example = EXAMPLE.get(fmt, fmt)
            reasons.fail(
                err == 1,
                trimmed,
                f"{label} is not a date",
                f"{label} '{{v}}' is not a date in a form we read (for example {example})",
            )
            reasons.fail(
                err == 2,
                trimmed,
                f"{label} is not a real date",
                f"{label} '{{v}}' is not a real date",
            )
            return typed, err != 0
        if t == "datetime":
            typed, err = col.per_distinct(trimmed, col.parse_datetime, None, pa.timestamp("us"))
            reasons.fail(
                err != 0,
                trimmed,
                f"{label} is not a date and time",
                f"{label} '{{v}}' is not a date and time (for example 1950-01-31 09:30)",
            )
            return typed, err != 0
        return trimmed, none

    def _constraints(
        self,
        spec: FieldSpec,
        label: str,
        trimmed: pa.Array,
        typed: pa.Array,
        ok: np.ndarray,
        reasons: Reasons,
    ) -> None:
        if spec.pattern:
            bad = ok & ~col.regex_mask(trimmed, spec.pattern)
            reasons.fail(
                bad,
                trimmed,
                f"{label} is not in the expected form",
                f"{label} '{{v}}' is not in the expected form ({spec.pattern})",
            )
        if spec.enum is not None:
            bad = ok & ~col.mask(pc.is_in(trimmed, pa.array(list(spec.enum))))
            allowed = ", ".join(spec.enum)
            reasons.fail(
                bad,
                trimmed,
                f"{label} is not an allowed value",
                f"{label} '{{v}}' is not one of: {allowed}",
            )
        if spec.min_length is not None or spec.max_length is not None:
            length = pc.utf8_length(trimmed).to_numpy(zero_copy_only=False)
            length = np.nan_to_num(length.astype(float), nan=0)
            if spec.min_length is not None:
                reasons.fail(
                    ok & (length < spec.min_length),
                    trimmed,
                    f"{label} is too short",
                    f"{label} '{{v}}' is shorter than {spec.min_length} characters",
                )
            if spec.max_length is not None:
                reasons.fail(
                    ok & (length > spec.max_length),
                    trimmed,
                    f"{label} is too long",
                    f"{label} '{{v}}' is longer than {spec.max_length} characters",
                )
        for bound, cmp, word in (
            (spec.minimum, pc.less, "below the minimum"),
            (spec.maximum, pc.greater, "above the maximum"),
        ):
            if bound is None or spec.type not in ("integer", "year", "number", "date"):
                continue
            b = date.fromisoformat(bound) if spec.type == "date" else bound
            bad = ok & col.mask(cmp(typed, pa.scalar(b, typed.type)))
            reasons.fail(bad, trimmed, f"{label} is {word}", f"{label} {{v}} is {word} {bound}")

    # ---- across chunks ---------------------------------------------------------------------------------
    def _remember(
        self, key: tuple[str, ...], numbers: np.ndarray, prints: pa.Array, trimmed: dict[str, pa.Array]
    ) -> None:
        # kept as Arrow columns and grouped once at the end (a Python dict of every id was the slow part)
        cols = {f"k{i}": trimmed[k] for i, k in enumerate(key)}
        self.seen[key].append(pa.table({"n": pa.array(numbers, pa.int64()), "h": prints, **cols}))

    def duplicates(self) -> dict[int, list[str]]:
        """Rows whose unique value (or record id, or primary key) is also on another row.

        A row sent twice (every cell the same) keeps its first copy and rejects the others. Rows that share an
        id but disagree are all rejected: placehub cannot know which of them is right.
        """
        import duckdb

        out: dict[int, list[str]] = {}
        for key, parts in self.seen.items():
            if not parts:
                continue
            label = self.contract.label(key[0]) if len(key) == 1 else "key (" + ", ".join(key) + ")"
            keys = ", ".join(f"k{i}" for i in range(len(key)))
            seen = pa.concat_tables(parts)  # noqa: F841  (scanned by DuckDB)
            groups = duckdb.sql(
                f"select {keys}, list(n order by n), count(distinct h) from seen "  # noqa: S608
                f"where {' and '.join(f'k{i} is not null' for i in range(len(key)))} "
                f"group by {keys} having count(*) > 1 order by min(n)"
            ).fetchall()
            for *value, rows, prints in groups:
                if prints == 1:
                    self.kinds["row repeats an earlier row exactly"] += len(rows) - 1
                    for r in rows[1:]:
                        out.setdefault(r, []).append(
                            f"repeats row {rows[0]} exactly (the first copy is kept)"
                        )
                    continue
                shown = ", ".join(str(r) for r in rows[:5]) + (
                    f" and {len(rows) - 5} more" if len(rows) > 5 else ""
                )
                msg = f"{label} '{' / '.join(value)}' is used on more than one row (rows {shown})"
                self.kinds[f"{label} is used on more than one row"] += len(rows)
                for r in rows:
                    out.setdefault(r, []).append(msg)
        return out
