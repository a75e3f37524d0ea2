"""Checks and normalisation that follow a column's role (docs/contracts.md).

NHS number Modulus 11, UK postcode, UPRN/USRN digits, dates of birth not in the future; names upper-cased,
e-mail lower-cased, phones compacted.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from placehub.ingest import checks
from placehub.ingest import columns as col
from placehub.ingest.contract import Contract
from placehub.ingest.header import HeaderMap
from placehub.ingest.reasons import Reasons
from placehub.ingest.roles import DATE_ROLES, role_label

NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"


def check_roles(
    contract: Contract,
    header: HeaderMap,
    today: date,
    trimmed: dict[str, pa.Array],
    typed: dict[str, pa.Array],
    reasons: Reasons,
) -> dict[str, pa.Array]:
    """Check the role columns (NHS number, postcode, UPRN, dates); return them normalised for ``records``."""
    out: dict[str, pa.Array] = {}
    for role, cols in contract.roles.items():
        label = role_label(role)
        if role == "address":
            parts = [col.collapse_upper(trimmed[c]) for c in cols]
            joined = (
                pc.binary_join_element_wise(*parts, ", ", null_handling="skip")
                if len(parts) > 1
                else parts[0]
            )
            out[role] = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)
            continue
        text = trimmed[cols[0]]
        reasons.column = header.columns[contract.field_names.index(cols[0])]
        present = ~col.mask(pc.is_null(text))
        if role == "nhs_number":
            digits = pc.replace_substring_regex(text, r"[\s-]", "")
            ten = col.regex_mask(digits, "[0-9]{10}")
            reasons.fail(
                present & ~ten,
                text,
                f"{label} is not 10 digits",
                f"{label} {{v}} is not 10 digits",
            )
            wrong = col.nhs_check_failures(digits, ten)
            reasons.fail(
                wrong,
                text,
                f"{label} fails its check digit",
                f"{label} {{v}} fails its check digit",
            )
            out[role] = digits
        elif role == "postcode":
            norm = col.normalise_postcodes(text)
            bad = present & col.mask(pc.is_null(norm))
            reasons.fail(
                bad,
                text,
                f"{label} is not a UK postcode",
                f"{label} '{{v}}' is not a UK postcode",
            )
            out[role] = norm
        elif role in ("uprn", "parent_uprn", "usrn"):
            limit = 8 if role == "usrn" else 12
            ok = col.regex_mask(text, f"[0-9]{{1,{limit}}}")
            sci = col.regex_mask(text, checks.SCIENTIFIC.pattern[1:-1])
            reasons.fail(
                present & sci,
                text,
                f"{label} was turned into scientific notation",
                f"{label} '{{v}}' was shortened to scientific notation (by Excel?): send it as text",
            )
            reasons.fail(
                present & ~ok & ~sci,
                text,
                f"{label} is not 1–{limit} digits",
                f"{label} '{{v}}' is not 1–{limit} digits",
            )
            out[role] = pc.replace_substring_regex(text, r"^0+([0-9])", r"\1")
        elif role in DATE_ROLES:
            d = typed[cols[0]]
            if role == "dob":
                future = col.mask(pc.greater(d, pa.scalar(today, pa.date32())))
                reasons.fail(
                    future,
                    text,
                    f"{label} is in the future",
                    f"{label} '{{v}}' is in the future",
                )
            out[role] = d
        elif role in ("x", "y", "lat", "lon"):
            out[role] = (
                pc.cast(typed[cols[0]], pa.float64())
                if typed[cols[0]].type != pa.string()
                else (pc.cast(pc.if_else(pa.array(col.regex_mask(text, NUMBER)), text, None), pa.float64()))
            )
        elif role == "email":
            out[role] = pc.utf8_lower(text)
        elif role == "phone":
            out[role] = pc.replace_substring_regex(text, r"[\s().-]", "")
        elif role in ("record_id", "household_id", "lsoa", "msoa", "ward", "classification"):
            out[role] = pc.utf8_upper(text) if role in ("lsoa", "msoa", "ward") else text
        else:
            out[role] = col.collapse_upper(text)
    return out
