"""Pseudonyms per purpose: keys 0600, stable within a purpose, unlinkable across purposes and after
destruction."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest

from placehub.errors import NotPermitted
from placehub.govern import destroy_purpose_key, pseudonym
from placehub.govern.pseudonyms import key_path


def test_key_file_is_private_and_pseudonym_is_hmac(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = pseudonym(tmp_path, "shielding-support", "person-42")
    path = key_path(tmp_path, "shielding-support")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    assert p == hmac.new(path.read_bytes(), b"person-42", hashlib.sha256).hexdigest()
    assert pseudonym(tmp_path, "shielding-support", "person-42") == p  # stable within the purpose


def test_two_purposes_cannot_be_rejoined(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = [f"person-{i}" for i in range(50)]
    a = {pseudonym(tmp_path, "shielding-support", i) for i in ids}
    b = {pseudonym(tmp_path, "digital-inclusion", i) for i in ids}
    assert (len(a), len(b), len(a & b)) == (50, 50, 0)


def test_destroyed_key_makes_old_pseudonyms_unlinkable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = pseudonym(tmp_path, "shielding-support", "person-42")
    old_key = key_path(tmp_path, "shielding-support").read_bytes()
    assert destroy_purpose_key(tmp_path, "shielding-support") is True
    assert not key_path(tmp_path, "shielding-support").exists()
    with pytest.raises(NotPermitted) as exc:
        pseudonym(tmp_path, "shielding-support", "person-42")
    assert "(rule: key_destroyed)" in str(exc.value)
    # No key file anywhere under keys_dir can reproduce the old pseudonym any more.
    remaining = [p.read_bytes() for p in tmp_path.rglob("*.key")]
    assert old_key not in remaining
    assert all(hmac.new(k, b"person-42", hashlib.sha256).hexdigest() != old for k in remaining)
    assert destroy_purpose_key(tmp_path, "shielding-support") is False


def test_purpose_codes_cannot_escape_the_keys_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        pseudonym(tmp_path, "../etc/passwd", "x")
