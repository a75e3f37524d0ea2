"""Partner files: realistic mess, the right encodings, and a truth row behind every record."""

from __future__ import annotations

import re
from collections import Counter

from openpyxl import load_workbook

from placehub.demo.borough import BoroughFiles
from placehub.demo.identifiers import is_valid_nhs_number
from tests.integration._demo_helpers import read_csv, small_borough  # noqa: F401

WINDOWS_CHARACTERS = set("’éëè–")


def _truth(files: BoroughFiles) -> dict[str, dict[str, dict[str, str]]]:
    result: dict[str, dict[str, dict[str, str]]] = {}
    for row in read_csv(files.truth):
        result.setdefault(row["source"], {})[row["record_id"]] = row
    return result


def _food_rows(files: BoroughFiles) -> list[tuple]:
    sheet = load_workbook(files.food_support).active
    return list(sheet.iter_rows(values_only=True))


def test_truth_covers_every_partner_record_exactly(small_borough: BoroughFiles) -> None:  # noqa: F811
    truth = _truth(small_borough)
    assert set(truth) == {"shielded-list", "adult-social-care", "food-support", "free-school-meals"}
    assert set(truth["shielded-list"]) == {r["SPL_ROW_ID"] for r in read_csv(small_borough.shielded_list)}
    assert set(truth["adult-social-care"]) == {
        r["CLIENT_ID"] for r in read_csv(small_borough.adult_social_care)
    }
    assert set(truth["free-school-meals"]) == {
        r["PUPIL_ID"] for r in read_csv(small_borough.free_school_meals, encoding="cp1252")
    }
    assert set(truth["food-support"]) == {r[0] for r in _food_rows(small_borough)[2:]}
    residents = {p["person_id"]: p for p in read_csv(small_borough.residents)}
    for rows in truth.values():
        for t in rows.values():
            assert residents[t["true_person_id"]]["uprn"] == t["true_uprn"]


def test_shielded_list_is_the_central_mess(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = read_csv(small_borough.shielded_list)
    assert "UPRN" not in rows[0]
    text_values = [v for r in rows for v in r.values()]
    assert all(v == v.upper() for v in text_values)
    counts = Counter(tuple(r.values()) for r in rows)
    assert sum(n - 1 for n in counts.values()) == max(1, round(0.006 * len(counts)))  # exact duplicate rows
    invalid = [r for r in rows if not is_valid_nhs_number(r["NHS_NUMBER"])]
    assert len({r["SPL_ROW_ID"] for r in invalid}) == max(1, round(0.008 * len(counts)))
    forms = Counter()
    for r in rows:
        d = r["DATE_OF_BIRTH"]
        forms["dmy/"] += bool(re.fullmatch(r"\d\d/\d\d/\d{4}", d))
        forms["iso"] += bool(re.fullmatch(r"\d{4}-\d\d-\d\d", d))
        forms["dmon2"] += bool(re.fullmatch(r"\d\d-[A-Z]{3}-\d\d", d))
        forms["dmy."] += bool(re.fullmatch(r"\d\d\.\d\d\.\d{4}", d))
    assert sum(forms.values()) == len(rows)
    assert min(forms.values()) >= 1
    assert sum(not r["POSTCODE"] for r in rows) >= 1
    shifted = [r for r in rows if not r["ADDRESS_LINE_1"] and r["ADDRESS_LINE_2"]]
    assert len(shifted) >= 1


def test_some_shielded_postcodes_are_wrong_but_most_are_right(small_borough: BoroughFiles) -> None:  # noqa: F811
    truth = _truth(small_borough)["shielded-list"]
    postcode = {r["UPRN"]: r["POSTCODE"] for r in read_csv(small_borough.gazetteer)}
    rows = {r["SPL_ROW_ID"]: r for r in read_csv(small_borough.shielded_list)}
    right = sum(r["POSTCODE"] == postcode[truth[i]["true_uprn"]] for i, r in rows.items())
    wrong = sum(r["POSTCODE"] not in ("", postcode[truth[i]["true_uprn"]]) for i, r in rows.items())
    assert right >= 0.75 * len(rows)
    assert 1 <= wrong <= 0.15 * len(rows)


def test_adult_social_care_has_mostly_right_uprns(small_borough: BoroughFiles) -> None:  # noqa: F811
    truth = _truth(small_borough)["adult-social-care"]
    rows = read_csv(small_borough.adult_social_care)
    given = [r for r in rows if r["UPRN"]]
    wrong = [r for r in given if r["UPRN"] != truth[r["CLIENT_ID"]]["true_uprn"]]
    assert len(given) >= 0.85 * len(rows)
    assert len(wrong) <= 0.08 * len(given)


def test_food_support_sheet_has_title_row_and_windows_characters(small_borough: BoroughFiles) -> None:  # noqa: F811
    rows = _food_rows(small_borough)
    assert rows[0][0].startswith("Ashcombe Community Food Network – referrals")
    assert rows[1][:3] == ("Referral ID", "Date referred", "Client name")
    text = "".join(str(v) for row in rows for v in row if isinstance(v, str))
    assert WINDOWS_CHARACTERS & set(text)
    assert text.encode("cp1252")  # every character is one Windows-1252 can hold


def test_free_school_meals_csv_really_is_windows_1252(small_borough: BoroughFiles) -> None:  # noqa: F811
    raw = small_borough.free_school_meals.read_bytes()
    try:
        raw.decode("utf-8")
        decoded_as_utf8 = True
    except UnicodeDecodeError:
        decoded_as_utf8 = False
    assert not decoded_as_utf8
    text = raw.decode("cp1252")
    assert "–" in text
    assert text.startswith("PUPIL_ID,CHILD_FORENAME,CHILD_SURNAME,CHILD_DOB")
