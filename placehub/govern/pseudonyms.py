"""Pseudonyms per purpose: HMAC-SHA256(person id) under a key that belongs to that purpose alone.

Two purposes' outputs cannot be re-joined on their pseudonyms. Keys live in ``settings.keys_dir`` (mode 0600)
and are never logged. Destroying a purpose's key (retention, at its end) leaves a marker so that it is never
silently re-created: its old pseudonyms can no longer be recomputed or linked.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from placehub.errors import NotPermitted

KEY_BYTES = 32


def _safe(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", name):
        raise ValueError(f"not a purpose code: {name!r}")
    return name


def key_path(keys_dir: Path, purpose: str) -> Path:
    return keys_dir / "purposes" / f"{_safe(purpose)}.key"


def _destroyed_marker(keys_dir: Path, purpose: str) -> Path:
    return keys_dir / "purposes" / f"{_safe(purpose)}.destroyed"


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_EXCL: two processes creating the same key at once cannot overwrite each other's key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)


def read_or_create_key(path: Path, *, refuse_if: Path | None = None) -> bytes:
    """The key at ``path``, created (0600) on first use unless ``refuse_if`` exists."""
    if path.is_file():
        return path.read_bytes()
    if refuse_if is not None and refuse_if.exists():
        raise NotPermitted(
            f"The key for '{path.stem}' was destroyed at the end of its retention (rule: key_destroyed); "
            "its pseudonyms can no longer be made or linked."
        )
    with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
        _write_secret(path, secrets.token_bytes(KEY_BYTES))
    return path.read_bytes()


def purpose_key(keys_dir: Path, purpose: str) -> bytes:
    return read_or_create_key(key_path(keys_dir, purpose), refuse_if=_destroyed_marker(keys_dir, purpose))


def pseudonym(keys_dir: Path, purpose: str, person_id: str) -> str:
    """The purpose's pseudonym for one person id (hex)."""
    return hmac.new(purpose_key(keys_dir, purpose), str(person_id).encode(), hashlib.sha256).hexdigest()


def pseudonymise_all(keys_dir: Path, purpose: str, person_ids: list[str | None]) -> list[str | None]:
    key = purpose_key(keys_dir, purpose)
    return [
        None if p is None else hmac.new(key, str(p).encode(), hashlib.sha256).hexdigest() for p in person_ids
    ]


def destroy_purpose_key(keys_dir: Path, purpose: str) -> bool:
    """Delete the purpose's key (overwritten first) and mark it destroyed. True if a key existed."""
    path = key_path(keys_dir, purpose)
    existed = path.is_file()
    if existed:
        with open(path, "r+b") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
            f.flush()
            os.fsync(f.fileno())
        path.unlink()
    marker = _destroyed_marker(keys_dir, purpose)
    marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker.touch()
    return existed


def key_exists(keys_dir: Path, purpose: str) -> bool:
    return key_path(keys_dir, purpose).is_file()
