"""CSV (any delimiter, any common encoding), streamed: the file is never held in memory whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from placehub.errors import LoadError
from placehub.ingest.contract import Contract
from placehub.ingest.encoding import FileFacts
from placehub.ingest.readers.base import Table

CANDIDATES = (",", ";", "\t", "|")
NAMES = {",": "',' (comma)", ";": "';' (semicolon)", "\t": "tab", "|": "'|' (pipe)"}


def delimiter_name(d: str) -> str:
    return NAMES.get(d, repr(d))


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


def choose_delimiter(header_line: str, contract: Contract, file_name: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in CANDIDATES}
    found = max(counts, key=lambda d: counts[d])
    wanted = contract.format.delimiter
    if wanted is None:
        return found if counts[found] else ","
    if counts.get(wanted, _count_outside_quotes(header_line, wanted)) == 0 and counts[found] > 0:
        raise LoadError(
            f"The file '{file_name}' separates its columns with {delimiter_name(found)}, "
            f"but the contract for '{contract.name}' expects {delimiter_name(wanted)}: "
            f"save the file with {delimiter_name(wanted)} "
            f'between columns, or set "delimiter": "{found}" in the contract\'s format.'
        )
    return wanted


def _header_line(path: Path, encoding: str, header_row: int) -> str:
    with path.open("rb") as fh:
        raw = fh.read(1 << 16)
    text = raw.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    return lines[header_row - 1] if len(lines) >= header_row else ""


def open_csv(path: Path, facts: FileFacts, contract: Contract) -> Table:
    encoding = facts.encoding or "utf-8"
    header_row = contract.format.header_row
    delimiter = choose_delimiter(_header_line(path, encoding, header_row), contract, path.name)
    binary = path.open("rb")
    text = io.TextIOWrapper(binary, encoding=encoding, newline="", errors="strict")
    reader = csv.reader(text, delimiter=delimiter)
    state = {"row": 0}

    def next_record() -> list[str] | None:
        try:
            rec = next(reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as exc:
            raise LoadError(
                f"The file '{path.name}' is not valid {encoding} near row {state['row'] + 1} ({exc.reason}): "
                "say which encoding it uses with --encoding (for example cp1252 or utf-16)."
            ) from None
        except csv.Error as exc:
            hint = (
                "It looks binary, or like UTF-16 without a byte-order mark: "
                "give its encoding with --encoding."
                if "NUL" in str(exc)
                else 'Look for a quote (") that is opened but never closed.'
            )
            raise LoadError(
                f"The file '{path.name}' cannot be read as CSV at row {state['row'] + 1}: {exc}. {hint}"
            ) from None
        state["row"] += 1
        return rec

    header: list[str] | None = None
    while state["row"] < header_row:
        rec = next_record()
        if rec is None:
            break
        header = rec
    if header is None or state["row"] < header_row or not any(c.strip() for c in header):
        binary.close()
        raise LoadError(f"The file '{path.name}' has no header row (row {header_row} is missing or blank).")
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    while header and not header[-1].strip():
        header.pop()  # a trailing delimiter on the header line names no column

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            while (rec := next_record()) is not None:
                yield state["row"], rec
        finally:
            binary.close()

    return Table(
        header=header,
        header_row=header_row,
        rows=rows(),
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        progress=lambda: (binary.tell() if not binary.closed else facts.size, facts.size),
        close=binary.close,
    )
