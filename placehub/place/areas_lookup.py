"""Postcode → small-area lookups in the ONS Postcode Directory shape (ONSPD / NSPL subsets).

Column names vary between ONS products and vintages (``Postcode7``/``pcds``, ``LSOA11CD``/``lsoa21cd``,
``WD22CD_proposed``/``wd23cd``), so each role is found by pattern and the choice is reported back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from placehub.place.boundaries import BoundaryError

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})$")

# role → patterns tried in order against upper-cased column names
_ROLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "postcode": (
        r"^POSTCODENATURAL$",
        r"^PCDS$",
        r"^POSTCODE7$",
        r"^PCD7?$",
        r"^POSTCODE8$",
        r"^PCD8$",
        r"^POSTCODE$",
    ),
    "oa": (r"^OA\d\dCD$",),
    "lsoa": (r"^LSOA\d\dCD$",),
    "msoa": (r"^MSOA\d\dCD$",),
    "lad": (r"^LAD\d\dCD$", r"^OSLAUA$"),
    "ward": (r"^WD\d\dCD(_PROPOSED)?$", r"^OSWARD$"),
    "terminated": (r"^TERMINATIONDATE$", r"^DOTERM$"),
    "introduced": (r"^INTRODUCTIONDATE$", r"^DOINTR$"),
}
AREA_ROLES = ("oa", "lsoa", "msoa", "lad", "ward")


def normalise_postcode(value: str | None) -> str | None:
    """'se64rj', 'SE6  4RJ' → 'SE6 4RJ'; None for anything that is not a UK postcode."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", str(value).upper())
    m = _POSTCODE.match(compact[:-3] + " " + compact[-3:]) if len(compact) >= 5 else None
    return f"{m.group(1)} {m.group(2)}" if m else None


@dataclass(frozen=True)
class PostcodeLookup:
    table: pd.DataFrame  # postcode, oa, lsoa, msoa, lad, ward, introduced, terminated, live
    columns: dict[str, str]  # role → source column used

    @property
    def live(self) -> pd.DataFrame:
        return self.table[self.table["live"]]


def _find_columns(cols: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    upper = {c.upper().strip(): c for c in cols}
    for role, patterns in _ROLE_PATTERNS.items():
        for pattern in patterns:
            hits = [orig for up, orig in upper.items() if re.match(pattern, up)]
            if hits:
                found[role] = hits[0]
                break
    return found


def read_postcode_lookup(path: Path | str) -> PostcodeLookup:
    """Read an ONS-style postcode lookup CSV (identifiers as text) into one row per postcode."""
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(f"postcode lookup not found: {path}")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = _find_columns(list(raw.columns))
    if "postcode" not in cols or not any(r in cols for r in AREA_ROLES):
        raise BoundaryError(
            f"{path.name} is not a postcode lookup: it needs a postcode column (Postcode7, pcds…) and at "
            f"least one area code column (LSOA11CD, WD22CD…); columns seen: {', '.join(raw.columns)}"
        )
    out = pd.DataFrame({"postcode": raw[cols["postcode"]].map(normalise_postcode)})
    for role in AREA_ROLES:
        out[role] = raw[cols[role]].where(raw[cols[role]] != "", None) if role in cols else None
    for role in ("introduced", "terminated"):
        out[role] = raw[cols[role]].where(raw[cols[role]] != "", None) if role in cols else None
    out["live"] = out["terminated"].isna()
    out = out[out["postcode"].notna()].drop_duplicates("postcode", keep="first").reset_index(drop=True)
    return PostcodeLookup(out, cols)
