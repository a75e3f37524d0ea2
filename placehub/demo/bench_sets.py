"""Benchmark sets drawn from the demo borough: messy addresses for matching, messy person records for linkage.

``write_match_bench`` writes the shapes bench/match_accuracy.py reads (gazetteer ``uprn,address,postcode``;
messy ``id,address,postcode,true_uprn``). ``write_person_bench`` writes up to a million person records with
several records per person and the everyday errors (nicknames, typing slips, swapped day and month, missing
fields, moved address) in well under a minute: the bulk is drawn with numpy and only the few corrupted values
go through Python.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pandas as pd

from placehub.demo import mess, names
from placehub.demo.identifiers import EMAIL_DOMAINS, draw_nhs_numbers, draw_phones, invalidate_nhs_number
from placehub.demo.layout import Layout, lay_out_borough


def write_match_bench(out_dir: Path, n: int, seed: int) -> tuple[Path, Path]:
    """Write ``gazetteer.csv`` (every demo UPRN) and ``messy.csv`` (``n`` messy renderings, drawn with
    replacement)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    layout = lay_out_borough(seed)
    gazetteer = out_dir / "gazetteer.csv"
    with gazetteer.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["uprn", "address", "postcode"])
        for a in layout.addresses:
            w.writerow([a.uprn, a.line, a.postcode])
    rng = random.Random(f"match-bench-{seed}")
    targets = [a for a in layout.addresses if a.classification != "PP"]  # partners never record a bare shell
    neighbours = mess.postcode_neighbours(layout.addresses)
    messy = out_dir / "messy.csv"
    width = max(6, len(str(n)))
    with messy.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "address", "postcode", "true_uprn"])
        for i in range(n):
            a = targets[rng.randrange(len(targets))]
            address, postcode = mess.render_address(rng, a, neighbours)
            w.writerow([f"m{i + 1:0{width}d}", address, postcode, a.uprn])
    return gazetteer, messy


def _weighted(rng: np.random.Generator, pairs: list[tuple[str, int]], n: int) -> np.ndarray:
    values = np.array([v for v, _ in pairs], dtype=object)
    weights = np.array([w for _, w in pairs], dtype=float)
    return values[rng.choice(len(values), size=n, p=weights / weights.sum())]


def _people(rng: np.random.Generator, layout: Layout, n: int) -> pd.DataFrame:
    """``n`` true people, each with one home in the borough, drawn as whole columns."""
    homes = [a for a in layout.residential]
    sex = rng.random(n) < 0.51  # True = female
    first = np.where(sex, _weighted(rng, names.FEMALE_NAMES, n), _weighted(rng, names.MALE_NAMES, n))
    surname = _weighted(rng, names.SURNAMES, n)
    dob = np.datetime64("2026-01-01") - rng.integers(1 * 365, 98 * 365, size=n).astype("timedelta64[D]")
    home = rng.integers(0, len(homes), size=n)
    uprn = np.array([a.uprn for a in homes], dtype=object)[home]
    postcode = np.array([a.postcode for a in homes], dtype=object)[home]
    email_user = pd.Series(first).str.lower() + "." + pd.Series(surname).str.lower().str.replace("'", "")
    email_user = email_user + rng.integers(1, 99, size=n).astype(str)
    email = np.where(
        rng.random(n) < 0.55, (email_user + "@" + EMAIL_DOMAINS[rng.integers(0, 3, n)]).to_numpy(), ""
    )
    return pd.DataFrame(
        {
            "first_name": first,
            "surname": surname,
            "dob": dob.astype(str),
            "postcode": postcode,
            "uprn": uprn,
            "nhs_number": draw_nhs_numbers(rng, n),
            "phone": draw_phones(rng, n, share=0.35),
            "email": email,
            "female": sex,
        }
    )


def write_person_bench(out_path: Path, n: int, seed: int) -> Path:
    """Write ``n`` messy person records, several per person, with ``true_person_id``."""
    rng = np.random.default_rng(seed)
    prng = random.Random(f"person-bench-{seed}")
    layout = lay_out_borough(seed)
    # Records per person: 1 + Poisson(1.5), so about 2.5 on average and a long-ish tail.
    per_person = 1 + rng.poisson(1.5, size=n)
    ends = np.cumsum(per_person)
    n_people = int(np.searchsorted(ends, n) + 1)
    per_person = per_person[:n_people]
    per_person[-1] -= int(ends[n_people - 1] - n)
    people = _people(rng, layout, n_people)
    person_index = np.repeat(np.arange(n_people), per_person)
    rec = people.iloc[person_index].reset_index(drop=True)
    rec["true_person_id"] = pd.Series(person_index).map(lambda i: f"P{i + 1:07d}")
    _corrupt(rng, prng, rec, layout)
    order = rng.permutation(n)
    rec = rec.iloc[order].reset_index(drop=True)
    rec.insert(0, "unique_id", [f"r{i + 1:07d}" for i in range(n)])
    columns = [
        "unique_id",
        "first_name",
        "surname",
        "dob",
        "postcode",
        "uprn",
        "nhs_number",
        "phone",
        "email",
        "true_person_id",
    ]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rec[columns].to_csv(out_path, index=False, lineterminator="\n")
    return out_path


def _corrupt(rng: np.random.Generator, prng: random.Random, rec: pd.DataFrame, layout: Layout) -> None:
    """Everyday errors, column by column, on random subsets of the records (in place)."""
    n = len(rec)

    def pick(share: float) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < share)

    def apply(column: str, idx: np.ndarray, fn) -> None:
        values = rec[column].to_numpy(dtype=object).copy()
        values[idx] = [fn(v) for v in values[idx]]
        rec[column] = values

    # Names: nicknames (Bill for William), typing slips, a married surname, missing forenames.
    apply("first_name", pick(0.10), lambda v: prng.choice(names.NICKNAMES[v]) if v in names.NICKNAMES else v)
    apply("first_name", pick(0.04), lambda v: mess.typo(prng, v))
    apply("surname", pick(0.04), lambda v: mess.typo(prng, v))
    married = np.flatnonzero((rng.random(n) < 0.02) & rec["female"].to_numpy())
    apply("surname", married, lambda v: prng.choice(names.SURNAMES)[0])
    apply("first_name", pick(0.01), lambda v: "")
    # Dates of birth: day and month swapped, a slipped digit, the year off by one, or missing.
    apply("dob", pick(0.025), mess.swap_day_month)
    apply("dob", pick(0.02), lambda v: _dob_slip(prng, v))
    apply("dob", pick(0.02), lambda v: "")
    # Addresses: moved home (another UPRN and postcode), a postcode slip, postcodes or UPRNs not recorded.
    moved = pick(0.08)
    homes = layout.residential
    new_home = rng.integers(0, len(homes), size=len(moved))
    uprn, postcode = rec["uprn"].to_numpy(dtype=object).copy(), rec["postcode"].to_numpy(dtype=object).copy()
    uprn[moved] = [homes[i].uprn for i in new_home]
    postcode[moved] = [homes[i].postcode for i in new_home]
    rec["uprn"], rec["postcode"] = uprn, postcode
    apply("postcode", pick(0.02), lambda v: mess.postcode_slip(prng, v))
    apply("postcode", pick(0.05), lambda v: "")
    apply("uprn", pick(0.35), lambda v: "")
    # Identifiers and contacts: many sources lack them; a few NHS numbers are mistyped.
    apply("nhs_number", pick(0.01), lambda v: invalidate_nhs_number(prng, v))
    apply("nhs_number", pick(0.40), lambda v: "")
    apply("phone", pick(0.45), lambda v: "")
    apply("email", pick(0.45), lambda v: "")
    apply("phone", pick(0.05), lambda v: v.replace(" ", ""))


def _dob_slip(rng: random.Random, iso: str) -> str:
    y, m, d = iso.split("-")
    if rng.random() < 0.5:
        return f"{int(y) + rng.choice([-1, 1])}-{m}-{d}"
    day = int(d) + rng.choice([-1, 1])
    return f"{y}-{m}-{day:02d}" if 1 <= day <= 28 else iso
