"""What a delivered file is, from its bytes: size, SHA-256, spreadsheet or text, and the text's encoding.

One pass over the bytes gives the checksum and the encoding evidence together (a 50 MB file is read once).
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from placehub.errors import LoadError

_CHUNK = 1 << 20
# Bytes Windows-1252 leaves undefined: a file holding them is not cp1252.
_NOT_CP1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str
    kind: str  # "csv" (any text) or "xlsx"
    encoding: str | None  # the codec used to read text; None for spreadsheets
    encoding_note: str  # how the encoding was chosen, for the load summary


def inspect_file(path: Path, *, encoding: str | None = None) -> FileFacts:
    """Checksum and classify ``path``; ``encoding`` (a codec name) overrides detection for text files."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    cp1252_ok = True
    nul_even = nul_odd = first_len = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if size == 0:
                head = chunk[:4096]
                # UTF-16 without a BOM shows as NUL bytes on one side of each pair (ASCII text).
                nul_even, nul_odd = chunk[0::2].count(0), chunk[1::2].count(0)
                first_len = len(chunk)
            size += len(chunk)
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if cp1252_ok and any(b in chunk for b in _NOT_CP1252):
                cp1252_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    sha = digest.hexdigest()
    if size == 0:
        raise LoadError(f"The file '{path.name}' is empty (0 bytes).")
    if head.startswith(b"PK\x03\x04"):
        return FileFacts(size, sha, "xlsx", None, "spreadsheet")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise LoadError(
            f"The file '{path.name}' is an old Excel .xls workbook: "
            "save it as .xlsx or as CSV and send it again."
        )
    if encoding:
        _check_decodes(path, encoding)
        return FileFacts(size, sha, "csv", encoding, "as given")
    enc, note = _detect(path, head, utf8_ok, cp1252_ok, nul_even, nul_odd, first_len)
    return FileFacts(size, sha, "csv", enc, note)


def _check_decodes(path: Path, encoding: str) -> None:
    """A named encoding must read the whole file; say where it does not (line counted by newline bytes)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise LoadError(
            f"'{encoding}' is not an encoding placehub knows (try utf-8, cp1252, utf-16)."
        ) from None
    done = lines = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                at = max(0, min(len(chunk), exc.start))
                line = lines + chunk[:at].count(b"\n") + 1
                bad = chunk[at : at + 1].hex().upper() if at < len(chunk) else "end of file"
                raise LoadError(
                    f"The file '{path.name}' is not valid {encoding}: byte 0x{bad} on line {line} "
                    f"cannot be read ({exc.reason}). Say which encoding it uses with --encoding "
                    "(for example cp1252 or utf-16)."
                ) from None
            if not chunk:
                return
            done += len(chunk)
            lines += chunk.count(b"\n")


def _detect(
    path: Path, head: bytes, utf8_ok: bool, cp1252_ok: bool, nul_even: int, nul_odd: int, first_len: int
) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, "byte-order mark"
    pairs = max(1, first_len // 2)
    if nul_odd > pairs // 4 and nul_even == 0:
        return "utf-16-le", "NUL-byte pattern (no byte-order mark)"
    if nul_even > pairs // 4 and nul_odd == 0:
        return "utf-16-be", "NUL-byte pattern (no byte-order mark)"
    if utf8_ok:
        return "utf-8", "valid UTF-8"
    # Not UTF-8. In the UK a single-byte file is nearly always Windows-1252 (Excel's "CSV" on Windows), and
    # charset-normalizer, reading short samples, often prefers a Central European or CJK code page for it: so
    # take cp1252 whenever every byte is defined in it, and ask charset-normalizer only otherwise.
    if cp1252_ok:
        return "cp1252", "not UTF-8; every byte is Windows-1252"
    from charset_normalizer import from_path

    best = from_path(path).best()
    if best is not None:
        return best.encoding, "charset-normalizer"
    return "latin-1", "fallback (no better guess)"
