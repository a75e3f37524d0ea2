"""The bad-input corpus: each file's exact error or reject reasons, and that nothing was half-written."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from placehub.errors import ContractError, LoadError
from placehub.ingest import export_rejects, load_file, rejected_rows
from placehub.settings import Settings
from tests.integration._ingest_helpers import (
    PEOPLE_HEADER,
    assert_nothing_written,
    catalogue_loads,
    csv_text,
    people_contract,
    stored_files,
    vault_counts,
)

GOOD = ["P1", "943 476 5919", "Jones", "31/01/1948", "12 High Street", "CF47 9UX"]


def _load(settings: Settings, path: Path, source: str = "people", **kw):  # type: ignore[no-untyped-def]
    return load_file(settings, source, path, user="tester", **kw)


def _vault(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.vault_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _fails(settings: Settings, path: Path, message: str, **kw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LoadError) as info:
        _load(settings, path, **kw)
    assert str(info.value) == message
    assert_nothing_written(settings)


def test_empty_file(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    _fails(settings, f, "The file 'empty.csv' is empty (0 bytes).")


def test_header_only(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "header.csv"
    f.write_text(csv_text([]), encoding="utf-8")
    _fails(settings, f, "The file 'header.csv' has a header but no data rows.")


def test_header_and_blank_lines_only(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "blank.csv"
    f.write_text(csv_text([]) + "\r\n,,,,,\r\n", encoding="utf-8")
    _fails(settings, f, "The file 'blank.csv' has a header but no data rows.")


def test_wrong_delimiter_names_what_was_found(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "semi.csv"
    f.write_text(csv_text([GOOD], sep=";"), encoding="utf-8")
    _fails(
        settings,
        f,
        "The file 'semi.csv' separates its columns with ';' (semicolon), but the contract for 'people' "
        "expects ',' (comma): save the file with ',' (comma) between columns, "
        'or set "delimiter": ";" in the '
        "contract's format.",
    )


def test_sniffed_delimiter_when_the_contract_leaves_it_open(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings, delimiter=None)
    f = tmp_path / "semi.csv"
    f.write_text(csv_text([GOOD], sep=";"), encoding="utf-8")
    result = _load(settings, f)
    assert (result.delimiter, result.rows_accepted, result.rows_rejected) == (";", 1, 0)


def test_header_that_does_not_match_the_contract(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "cols.csv"
    header = ["person_id", "NHS No", "surname", "date_of_birth", "address_1", "post code", "notes"]
    f.write_text(csv_text([[*GOOD, "x"]], header=header), encoding="utf-8")
    _fails(
        settings,
        f,
        "The header of 'cols.csv' does not match the contract for 'people': missing columns: nhs_number, "
        "postcode; unexpected columns: NHS No, post code, notes.",
    )


def test_header_matches_in_any_order_and_case(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    header = ["Surname", "PERSON_ID", "nhs_number", "date_of_birth", " address_1 ", "postcode"]
    row = ["Jones", "P1", "943 476 5919", "31/01/1948", "12 High Street", "CF47 9UX"]
    f = tmp_path / "order.csv"
    f.write_text(csv_text([row], header=header), encoding="utf-8")
    assert _load(settings, f).rows_accepted == 1
    assert _vault(settings, "select record_id, surname, postcode from records") == [
        ("P1", "JONES", "CF47 9UX")
    ]


def test_ragged_rows_are_rejected_with_their_cell_count(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "ragged.csv"
    rows = [
        GOOD,
        ["P2", "401 023 2137", "Evans", "01/02/1950", "1 Low St", "CF47 8AA", "surplus"],
        ["P3", "x"],
    ]
    f.write_text(csv_text(rows), encoding="utf-8")
    result = _load(settings, f)
    assert (result.rows_total, result.rows_accepted, result.rows_rejected) == (3, 1, 2)
    assert [line for r in rejected_rows(settings, result.load_id) for line in r.lines()] == [
        "row 3: has 7 cells but the header has 6",
        "row 4: has 2 cells but the header has 6",
    ]
    raw = _vault(settings, "select raw from rejects where row_number = 3")[0][0]
    assert json.loads(raw)["column 7"] == "surplus"


def test_bad_cells_are_rejected_with_reasons_a_partner_can_act_on(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "bad.csv"
    rows = [
        GOOD,
        ["P2", "943 476 5918", "Evans", "31/02/1950", "1 Low St", "CF47 9U"],
        ["P3", "943 476 591", "", "1950/31/01", "2 Low St", ""],
        ["P4", "", "Hughes", "01/01/2090", "3 Low St", "cf47 8aa"],
    ]
    f.write_text(csv_text(rows), encoding="utf-8")
    result = _load(settings, f)
    assert (result.rows_accepted, result.rows_rejected) == (1, 3)
    assert [line for r in rejected_rows(settings, result.load_id) for line in r.lines()] == [
        "row 3: NHS number 943 476 5918 fails its check digit",
        "row 3: date of birth '31/02/1950' is not a real date",
        "row 3: postcode 'CF47 9U' is not a UK postcode",
        "row 4: NHS number 943 476 591 is not 10 digits",
        "row 4: surname is missing",
        "row 4: date of birth '1950/31/01' is not a date in a form we read (for example 31/01/1950)",
        "row 5: date of birth '01/01/2090' is in the future",
    ]
    assert result.top_reasons == [
        ("NHS number fails its check digit", 1),
        ("NHS number is not 10 digits", 1),
        ("date of birth is in the future", 1),
        ("date of birth is not a date", 1),
        ("date of birth is not a real date", 1),
    ]


def test_utf8_bom(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbf" + csv_text([[*GOOD[:2], "Brontë", *GOOD[3:]]]).encode("utf-8"))
    result = _load(settings, f)
    assert (result.encoding, result.encoding_note, result.rows_accepted) == (
        "utf-8-sig",
        "byte-order mark",
        1,
    )
    assert _vault(settings, "select person_id, surname from raw_people") == [("P1", "Brontë")]


def test_windows_1252(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "cp1252.csv"
    rows = [
        [*GOOD[:2], "O’Brien", *GOOD[3:]],
        ["P2", "401 023 2137", "Zoë", "1/2/1950", "£5 Café Row", "CF47 8AA"],
    ]
    f.write_bytes(csv_text(rows).encode("cp1252"))
    result = _load(settings, f)
    assert (result.encoding, result.encoding_note) == ("cp1252", "not UTF-8; every byte is Windows-1252")
    assert _vault(settings, "select surname, address from records order by row_number") == [
        ("O’BRIEN", "12 HIGH STREET"),
        ("ZOË", "£5 CAFÉ ROW"),
    ]


@pytest.mark.parametrize(
    "codec,note", [("utf-16", "byte-order mark"), ("utf-16-le", "NUL-byte pattern (no byte-order mark)")]
)
def test_utf16(settings: Settings, tmp_path: Path, codec: str, note: str) -> None:
    people_contract(settings)
    f = tmp_path / "utf16.csv"
    f.write_bytes(csv_text([[*GOOD[:2], "Brontë", *GOOD[3:]]]).encode(codec))
    result = _load(settings, f)
    assert (result.encoding, result.encoding_note, result.rows_accepted) == (codec, note, 1)
    assert _vault(settings, "select surname from records") == [("BRONTË",)]


def test_encoding_given_that_does_not_fit(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "latin.csv"
    f.write_bytes(csv_text([GOOD, [*GOOD[:2], "Zoë", *GOOD[3:]]]).encode("cp1252"))
    _fails(
        settings,
        f,
        "The file 'latin.csv' is not valid utf-8: byte 0xEB on line 3 cannot be read (invalid continuation "
        "byte). Say which encoding it uses with --encoding (for example cp1252 or utf-16).",
        encoding="utf-8",
    )


def _workbook(
    path: Path, rows: list[list[object]], merge: str | None = None, title: str = "Referrals"
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)


def test_xlsx_with_merged_header_cells(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "merged.xlsx"
    _workbook(f, [["person_id", "NHS", None, "date_of_birth", "address_1", "postcode"], GOOD], merge="B1:C1")
    _fails(
        settings,
        f,
        "The header row (row 1) of sheet 'Referrals' in 'merged.xlsx' has merged cells B1:C1: unmerge them "
        "so that every column has its own name.",
    )


def test_xlsx_sheet_and_header_row_from_the_contract(settings: Settings, tmp_path: Path) -> None:
    from datetime import datetime

    people_contract(settings, type="xlsx", sheet="Referrals", header_row=3)
    f = tmp_path / "ok.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    ws = wb.create_sheet("Referrals")
    ws.append(["Food support referrals"])
    ws.append([])
    ws.append(PEOPLE_HEADER)
    ws.append(["P1", 9434765919, "Jones", datetime(1948, 1, 31), "12 High Street", "CF47 9UX"])
    wb.save(f)
    result = _load(settings, f)
    assert (result.format, result.sheet, result.encoding, result.rows_accepted) == (
        "xlsx",
        "Referrals",
        None,
        1,
    )
    assert _vault(settings, "select row_number, nhs_number, dob from records") == [
        (4, "9434765919", __import__("datetime").date(1948, 1, 31))
    ]


def test_xlsx_missing_sheet(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "s.xlsx"
    _workbook(f, [PEOPLE_HEADER, GOOD])
    _fails(
        settings,
        f,
        "The workbook 's.xlsx' has no sheet 'Clients' (its sheets: 'Referrals').",
        sheet="Clients",
    )


def test_duplicate_record_ids_reject_every_row_that_shares_one(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "dups.csv"
    rows = [
        GOOD,
        ["P2", "401 023 2137", "Evans", "01/02/1950", "1 Low St", "CF47 8AA"],
        ["P1", "401 023 2137", "Price", "01/02/1951", "2 Low St", "CF47 8AB"],
        ["P1", "943 476 5918", "Rees", "01/02/1952", "3 Low St", "CF47 8AC"],
    ]
    f.write_text(csv_text(rows), encoding="utf-8")
    result = _load(settings, f)
    assert (result.rows_accepted, result.rows_rejected) == (1, 3)
    lines = [line for r in rejected_rows(settings, result.load_id) for line in r.lines()]
    dup = "record id 'P1' is used on more than one row (rows 2, 4, 5)"
    assert lines == [
        f"row 2: {dup}",
        f"row 4: {dup}",
        "row 5: NHS number 943 476 5918 fails its check digit",
        f"row 5: {dup}",
    ]
    assert _vault(settings, "select record_id from records") == [("P2",)]
    assert json.loads(_vault(settings, "select raw from rejects where row_number = 2")[0][0]) == dict(
        zip(PEOPLE_HEADER, GOOD, strict=True)
    )


FORMULAS = ['=HYPERLINK("http://x")', "+44 1685 725000", "-1+2", "@SUM(A1)", "\tTAB", "\rCR"]


def test_formula_cells_are_kept_verbatim_and_neutralised_in_exports(
    settings: Settings, tmp_path: Path
) -> None:
    people_contract(settings)
    f = tmp_path / "formulas.csv"
    rows = [[f"P{i}", "943 476 5918", text, "31/01/1948", text, ""] for i, text in enumerate(FORMULAS)]
    import csv

    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(PEOPLE_HEADER)
        w.writerows(rows)
    result = _load(settings, f)
    assert result.rows_rejected == len(FORMULAS)
    raw = _vault(settings, "select raw from rejects order by row_number")
    assert [json.loads(r[0])["surname"] for r in raw] == FORMULAS  # verbatim in the vault

    out_csv = tmp_path / "rejects.csv"
    assert export_rejects(settings, result.load_id, out_csv) == len(FORMULAS)
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert back[0] == ["row", "reasons", *PEOPLE_HEADER]
    assert [r[4] for r in back[1:]] == ["'" + t for t in FORMULAS]

    out_xlsx = tmp_path / "rejects.xlsx"
    assert export_rejects(settings, result.load_id, out_xlsx) == len(FORMULAS)
    wb = openpyxl.load_workbook(out_xlsx)
    ws = wb.active
    cells = [ws.cell(row=i, column=5) for i in range(2, 2 + len(FORMULAS))]
    # XML turns a bare CR into LF when the workbook is read back; the apostrophe is what matters here.
    assert [c.value for c in cells] == ["'" + t.replace("\r", "\n") for t in FORMULAS]
    assert {c.data_type for c in cells} == {"s"}


def test_formula_cells_in_accepted_rows_stay_verbatim(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "ok.csv"
    f.write_text(csv_text([[GOOD[0], GOOD[1], "=1+2", *GOOD[3:]]]), encoding="utf-8")
    assert _load(settings, f).rows_accepted == 1
    assert _vault(settings, "select surname from raw_people") == [("=1+2",)]


def test_missing_contract(settings: Settings, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text(csv_text([GOOD]), encoding="utf-8")
    with pytest.raises(ContractError) as info:
        _load(settings, f, source="nobody")
    looked = ", ".join(str(d) for d in settings.contracts_dirs)
    assert str(info.value) == f"No contract for source 'nobody': looked in {looked}"
    assert_nothing_written(settings)


def test_a_second_load_supersedes_the_first(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(csv_text([GOOD]), encoding="utf-8")
    second.write_text(
        csv_text([["P9", "401 023 2137", "Evans", "01/02/1950", "1 Low St", "CF47 8AA"]]), encoding="utf-8"
    )
    a = _load(settings, first)
    b = _load(settings, second)
    assert _vault(settings, "select load_id, record_id from current_records") == [(b.load_id, "P9")]
    assert _vault(settings, "select load_id, count(*) from records group by 1 order by 1") == [
        (a.load_id, 1),
        (b.load_id, 1),
    ]
    assert catalogue_loads(settings) == 2
    assert stored_files(settings) == sorted([f"{a.sha256}.csv", f"{b.sha256}.csv"])
    assert (settings.files_dir / f"{a.sha256}.csv").read_bytes() == first.read_bytes()
    assert vault_counts(settings)["raw_people"] == 2


def test_a_row_sent_twice_keeps_its_first_copy(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "twice.csv"
    f.write_text(csv_text([GOOD, GOOD, GOOD]), encoding="utf-8")
    result = _load(settings, f)
    assert (result.rows_accepted, result.rows_rejected) == (1, 2)
    assert [line for r in rejected_rows(settings, result.load_id) for line in r.lines()] == [
        "row 3: repeats row 2 exactly (the first copy is kept)",
        "row 4: repeats row 2 exactly (the first copy is kept)",
    ]
    assert _vault(settings, "select row_number, record_id from records") == [(2, "P1")]


def test_a_text_field_with_the_dob_role_is_read_as_a_uk_date(settings: Settings, tmp_path: Path) -> None:
    from datetime import date

    from tests.integration._ingest_helpers import write_contract

    write_contract(
        settings,
        "textdob",
        {
            "schema": {"fields": [{"name": "id"}, {"name": "born"}]},
            "roles": {"record_id": "id", "dob": "born"},
        },
    )
    f = tmp_path / "t.csv"
    f.write_text("id,born\nA,31/01/48\nB,31/02/1950\n", encoding="utf-8")
    result = _load(settings, f, source="textdob")
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    assert _vault(settings, "select born from raw_textdob") == [("31/01/48",)]
    assert _vault(settings, "select dob from records") == [(date(1948, 1, 31),)]
    assert [line for r in rejected_rows(settings, result.load_id) for line in r.lines()] == [
        "row 3: date of birth '31/02/1950' is not a real date"
    ]


def test_csv_header_on_a_later_row(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings, header_row=3)
    f = tmp_path / "titled.csv"
    f.write_text("Shielded list,,,,,\r\nsent 1 May,,,,,\r\n" + csv_text([GOOD]), encoding="utf-8")
    result = _load(settings, f)
    assert (result.rows_total, result.rows_accepted) == (1, 1)
    assert _vault(settings, "select row_number, record_id from records") == [(4, "P1")]


def test_an_unclosed_quote(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    f = tmp_path / "quote.csv"
    rows = [GOOD, ["P2", "943 476 5919", '"Evans', "01/02/1950", "1 Low St", "CF47 8AA"], GOOD]
    f.write_text(csv_text(rows), encoding="utf-8")
    result = _load(settings, f)
    assert (result.rows_total, result.rows_accepted, result.rows_rejected) == (2, 1, 1)
    assert [line for r in rejected_rows(settings, result.load_id) for line in r.lines()] == [
        'row 3: has 3 cells but the header has 6; a quote (") opened in it may never be closed'
    ]


def test_no_such_file(settings: Settings, tmp_path: Path) -> None:
    people_contract(settings)
    _fails(settings, tmp_path / "nowhere.csv", f"There is no file at {tmp_path / 'nowhere.csv'}.")


def test_role_columns_are_normalised_into_records(settings: Settings, tmp_path: Path) -> None:
    from tests.integration._ingest_helpers import write_contract

    write_contract(
        settings,
        "care",
        {
            "format": {"delimiter": ","},
            "schema": {
                "fields": [
                    {"name": n}
                    for n in ("id", "name", "sex", "line1", "line2", "pc", "uprn", "phone", "email", "hh")
                ]
            },
            "roles": {
                "record_id": "id",
                "full_name": "name",
                "sex": "sex",
                "address": ["line1", "line2"],
                "postcode": "pc",
                "uprn": "uprn",
                "phone": "phone",
                "email": "email",
                "household_id": "hh",
            },
        },
    )
    f = tmp_path / "care.csv"
    f.write_text(
        "id,name,sex,line1,line2,pc,uprn,phone,email,hh\n"
        "C1, mary  o'neil ,f,  flat 2 ,12  high st,cf479ux,000100100123,(01685) 725-000,Mary@Example.ORG,H1\n"
        "C2,Ann,F,1 Low St,,CF47 8AA,1.00023E+11,,,H2\n"
        "C3,Bob,M,2 Low St,,CF47 8AA,1001001234567,,,H3\n",
        encoding="utf-8",
    )
    result = _load(settings, f, source="care")
    assert (result.rows_accepted, result.rows_rejected) == (1, 2)
    assert _vault(
        settings,
        "select record_id, full_name, sex, address, postcode, uprn_supplied, phone, email, household_id "
        "from records",
    ) == [
        (
            "C1",
            "MARY O'NEIL",
            "F",
            "FLAT 2, 12 HIGH ST",
            "CF47 9UX",
            "100100123",
            "01685725000",
            "mary@example.org",
            "H1",
        )
    ]
    assert [line for r in rejected_rows(settings, result.load_id) for line in r.lines()] == [
        "row 3: UPRN '1.00023E+11' was shortened to scientific notation (by Excel?): send it as text",
        "row 4: UPRN '1001001234567' is not 1–12 digits",
    ]
