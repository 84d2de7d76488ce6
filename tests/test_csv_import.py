"""CSV parsing and validation (pure, no database): what spreadsheets export."""

from __future__ import annotations

import pytest

from importing import MAX_REPORTED_ERRORS, MAX_VOLUME, parse_demand_csv


def errors_of(data: bytes) -> list[tuple[int | None, str | None, str]]:
    parsed = parse_demand_csv(data)
    assert not parsed.ok
    return [(e.row, e.column, e.message) for e in parsed.errors]


def test_seed_format_is_parsed() -> None:
    parsed = parse_demand_csv(b"date,product_name,demand\n2024-01-01,BER-MUC,12\n2024-01-02,BER-MUC,13.5\n")
    assert parsed.ok and parsed.rows_read == 2
    frame = parsed.frame()
    assert frame["lane"].tolist() == ["BER-MUC", "BER-MUC"]
    assert frame["demand"].tolist() == [12.0, 13.5]
    assert str(frame["date"].iloc[1].date()) == "2024-01-02"


def test_spreadsheet_export_quirks_are_accepted() -> None:
    data = (
        "\ufeff Date ;\"LANE\"; Volume \r\n"
        "01.02.2024;\"Zürich–Milano\";12,5\r\n"
        "2024-02-02;\"x\"\"); DROP TABLE demand;--\";3\r\n"
        ";;\r\n"
    ).encode("utf-8")
    parsed = parse_demand_csv(data)
    assert parsed.ok, parsed.errors
    frame = parsed.frame()
    assert frame["lane"].tolist() == ["Zürich–Milano", 'x"); DROP TABLE demand;--']
    assert frame["demand"].tolist() == [12.5, 3.0]
    assert [str(d.date()) for d in frame["date"]] == ["2024-02-01", "2024-02-02"]


def test_tab_separated_and_blank_lines() -> None:
    parsed = parse_demand_csv(b"date\tlane\tdemand\n\n2024-01-01\tA\t1\n\n2024-01-02\tA\t2\n\n")
    assert parsed.ok and parsed.rows_read == 2
    assert parsed.row.tolist() == [3, 5]  # spreadsheet rows: blank lines count


def test_slash_dates_only_when_unambiguous() -> None:
    assert parse_demand_csv(b"date,lane,demand\n13/01/2024,A,1\n01/02/2024,A,1\n").ok
    rows = errors_of(b"date,lane,demand\n01/02/2024,A,1\n")
    assert rows[0][:2] == (2, "date") and "ambiguous" in rows[0][2]


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("2024-02-30,A,1", "date", "February 2024 has 29 days"),
        ("2023-13-01,A,1", "date", "month 13"),
        ("yesterday,A,1", "date", "not a date"),
        (",A,1", "date", "empty"),
        ("2024-01-01,,1", "lane", "empty"),
        ("2024-01-01,   ,1", "lane", "empty"),
        ("2024-01-01,A,-1", "demand", ">= 0"),
        ("2024-01-01,A,abc", "demand", "number"),
        ("2024-01-01,A,NaN", "demand", "number"),
        ("2024-01-01,A,inf", "demand", "finite"),
        ("2024-01-01,A,", "demand", "empty"),
        (f"2024-01-01,A,{MAX_VOLUME * 10:.0f}", "demand", "exceeds"),
        ("2024-01-01,A,1e400", "demand", "finite"),
    ],
)
def test_bad_values_name_row_column_and_reason(line: str, column: str, fragment: str) -> None:
    rows = errors_of(f"date,lane,demand\n2024-01-05,A,1\n{line}\n".encode())
    assert len(rows) == 1
    row, col, message = rows[0]
    assert (row, col) == (3, column)
    assert fragment in message


def test_ragged_rows_are_reported_with_row_numbers() -> None:
    rows = errors_of(b"date,lane,demand\n2024-01-01,A,1\n2024-01-02,A\n2024-01-03,A,1,9\n")
    assert [r[0] for r in rows] == [3, 4]
    assert all("fields" in r[2] for r in rows)


def test_duplicates_in_one_file_name_both_rows() -> None:
    rows = errors_of(b"date,lane,demand\n2024-01-01,A,1\n2024-01-02,A,1\n2024-01-01, A ,5\n")
    assert rows == [(4, "date", "duplicate: lane 'A' on 2024-01-01 already appears in row 2")]


def test_missing_columns_are_named() -> None:
    [(row, _, message)] = errors_of(b"day,lane,amount\n2024-01-01,A,1\n")
    assert row == 1
    assert "missing column 'date'" in message and "missing column 'demand'" in message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"PK\x03\x04\x00\x00binary", "NUL"),
        (b"date,lane,demand\n2024-01-01,\xff\xfe,1\n", "UTF-8"),
        ("date,lane,demand\n".encode("utf-16"), "UTF-16"),
        (b"", "empty"),
        (b"   \r\n", "empty"),
    ],
)
def test_binary_and_undecodable_files_are_rejected_clearly(data: bytes, fragment: str) -> None:
    parsed = parse_demand_csv(data)
    assert not parsed.ok
    assert fragment in parsed.errors[0].message


def test_unterminated_quote_is_an_error_not_a_traceback() -> None:
    parsed = parse_demand_csv(b'date,lane,demand\n2024-01-01,"A,1\n2024-01-02,B,2\n')
    assert not parsed.ok


def test_error_list_is_capped_but_counted() -> None:
    bad_rows = MAX_REPORTED_ERRORS * 3
    data = "date,lane,demand\n" + "".join(f"2024-01-01,L{i},-1\n" for i in range(bad_rows))
    parsed = parse_demand_csv(data.encode())
    assert len(parsed.errors) == MAX_REPORTED_ERRORS
    assert parsed.error_count_total == bad_rows
    assert parsed.errors[0].row == 2


def test_header_only_file_has_no_rows() -> None:
    parsed = parse_demand_csv(b"date,lane,demand\r\n")
    assert parsed.ok and parsed.rows_read == 0
