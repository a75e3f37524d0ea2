"""Column-at-a-time parsing and checks (pyarrow compute, numpy), so validation costs little per row.

Each check returns a failure mask; messages are written only for the failing cells, which are few.
Rules that need real calendar logic (dates) run once per distinct value, not once per row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from placehub.ingest import checks


def mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean array as numpy, nulls as False."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def regex_mask(arr: pa.Array, pattern: str) -> np.ndarray:
    """Cells (not null) that fully match ``pattern``; RE2 first, Python's re for patterns RE2 cannot read."""
    try:
        return mask(pc.match_substring_regex(arr, f"^(?:{pattern})$"))
    except pa.ArrowInvalid:
        import re

        rx = re.compile(pattern)
        return (
            per_distinct(arr, lambda v: rx.fullmatch(v) is not None, False, pa.bool_())[0]
            .to_numpy(zero_copy_only=False)
            .astype(bool)
        )


def per_distinct(
    arr: pa.Array, fn: Callable[[str], Any], on_null: Any, out_type: pa.DataType
) -> tuple[pa.Array, np.ndarray]:
    """Apply ``fn`` once per distinct text; returns (results aligned with arr, error codes).

    ``fn`` returns a value, or raises: ``checks.NotADate`` → code 1, any other ValueError → code 2.
    """
    enc = arr.dictionary_encode()
    values, codes = [], []
    for v in enc.dictionary.to_pylist():
        try:
            values.append(fn(v))
            codes.append(0)
        except checks.NotADate:
            values.append(None)
            codes.append(1)
        except ValueError:
            values.append(None)
            codes.append(2)
    idx = enc.indices
    dict_vals = pa.array(values, out_type)
    out = pc.take(dict_vals, idx)
    code_arr = np.asarray(codes, dtype=np.int8)
    idx_np = idx.to_numpy(zero_copy_only=False)
    null = np.asarray(idx.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    err = np.zeros(len(arr), dtype=np.int8)
    if len(code_arr):
        safe = np.where(null, 0, np.nan_to_num(idx_np, nan=0)).astype(np.int64)
        err = np.where(null, 0, code_arr[safe]).astype(np.int8)
    if on_null is not None:
        out = pc.if_else(pa.array(null), pa.scalar(on_null, out_type), out)
    return out, err


def date_parser(fmt: str, today: date) -> Callable[[str], date]:
    if fmt in ("uk", "any"):
        return lambda t: checks.parse_uk_date(t, today=today)
    if fmt == "default":
        return checks.parse_iso_date

    def parse(t: str) -> date:
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError as exc:
            if "out of range" in str(exc):
                raise checks.NotARealDate(t) from exc
            raise checks.NotADate(t) from exc

    return parse


def parse_datetime(t: str) -> datetime:
    try:
        return datetime.fromisoformat(t)
    except ValueError as exc:
        raise checks.NotADate(t) from exc


def nhs_check_failures(digits: pa.Array, ten: np.ndarray) -> np.ndarray:
    """Modulus 11 over every 10-digit cell at once; True where the check digit is wrong."""
    bad = np.zeros(len(digits), dtype=bool)
    if not ten.any():
        return bad
    rows = np.flatnonzero(ten)
    sub = (
        pc.take(digits, pa.array(rows)).combine_chunks()
        if isinstance(digits, pa.ChunkedArray)
        else pc.take(digits, pa.array(rows))
    )
    offsets = np.frombuffer(sub.buffers()[1], dtype=np.int32)[sub.offset : sub.offset + len(sub) + 1]
    data = np.frombuffer(sub.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    d = data.reshape(-1, 10).astype(np.int64) - 48
    total = d[:, :9] @ np.array(checks.NHS_WEIGHTS, dtype=np.int64)
    check = 11 - total % 11
    check = np.where(check == 11, 0, check)
    bad[rows] = (check == 10) | (check != d[:, 9])
    return bad


def collapse_upper(arr: pa.Array) -> pa.Array:
    return pc.utf8_upper(pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " ")))


def normalise_postcodes(arr: pa.Array) -> pa.Array:
    compact = pc.utf8_upper(pc.replace_substring_regex(arr, r"\s+", ""))
    ok = pc.match_substring_regex(compact, checks.POSTCODE_COMPACT.pattern)
    spaced = pc.replace_substring_regex(compact, r"^(.+)([0-9][A-Z]{2})$", r"\1 \2")
    return pc.if_else(ok, spaced, pa.scalar(None, pa.string()))
