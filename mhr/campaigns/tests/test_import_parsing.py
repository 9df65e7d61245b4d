from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mhr.campaigns.imports.errors import CellValueError, ImportFileError
from mhr.campaigns.imports.parsing import (
    CourseMatcher,
    add_months,
    parse_date,
    parse_hours,
    parse_role,
    parse_status,
    parse_sworn,
    parse_text,
)

TODAY = datetime.date(2026, 11, 27)
D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-05", D(2020, 1, 5)),
        (" 2020-1-5 ", D(2020, 1, 5)),
        ("2020/01/05", D(2020, 1, 5)),
        ("2020-01-05T13:45:00", D(2020, 1, 5)),
        ("2020-01-05 00:00:00", D(2020, 1, 5)),
        ("01/05/2020", D(2020, 1, 5)),
        ("1/5/2020", D(2020, 1, 5)),
        ("1/5/2020 0:00", D(2020, 1, 5)),
        ("1/5/20", D(2020, 1, 5)),
        ("12/31/75", D(1975, 12, 31)),
        ("5-Jan-2020", D(2020, 1, 5)),
        ("05-JAN-2020", D(2020, 1, 5)),
        ("5 January 2020", D(2020, 1, 5)),
        ("Jan 5, 2020", D(2020, 1, 5)),
        ("September 30, 2019", D(2019, 9, 30)),
        ("20200105", D(2020, 1, 5)),
        ("43835", D(2020, 1, 5)),
        ("", None),
        ("   ", None),
    ],
)
def test_it_reads_the_usual_date_formats(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_it_reads_spreadsheet_date_cells_and_serial_numbers():
    assert parse_date(datetime.datetime(2020, 1, 5, 9, 30)) == D(2020, 1, 5)
    assert parse_date(D(2020, 1, 5)) == D(2020, 1, 5)
    assert parse_date(43835) == D(2020, 1, 5)
    assert parse_date(43835.75) == D(2020, 1, 5)
    assert parse_date(None) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("13/25/2020", "not a real date"),
        ("25/12/2020", "month/day/year"),
        ("2020-02-30", "not a real date"),
        ("02/30/2020", "not a real date"),
        ("yesterday", "not a date MHR can read"),
        ("5-Foo-2020", "not a month name"),
        ("1/1/1850", "between 1900 and 2100"),
    ],
)
def test_it_explains_dates_it_cannot_read(text, fragment):
    with pytest.raises(CellValueError) as excinfo:
        parse_date(text, today=TODAY)
    assert fragment in excinfo.value.message
    assert "“" in excinfo.value.message


def test_it_does_not_take_a_boolean_or_a_huge_number_for_a_date():
    for value in (True, 10**30, -5, float("nan"), float("inf")):
        with pytest.raises(CellValueError):
            parse_date(value)


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.booleans(), st.none()))
def test_date_parsing_returns_a_date_or_raises_our_error(value):
    try:
        result = parse_date(value, today=TODAY)
    except ImportFileError as exc:
        assert exc.message
    else:
        assert result is None or 1900 <= result.year <= 2100


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_iso_and_us_dates_read_back_as_written(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}") == day
    assert parse_date(day.strftime("%d-%b-%Y")) == day


@pytest.mark.parametrize(
    "text", ["Y", "y", "Yes", "TRUE", "true", "1", "Sworn", "SWORN", '"Sworn"', "T"]
)
def test_it_reads_sworn(text):
    assert parse_sworn(text) is True


@pytest.mark.parametrize(
    "text",
    ["N", "no", "FALSE", "0", "Civilian", "Non-sworn", "NON SWORN", "Nonsworn", '"Non-sworn"'],
)
def test_it_reads_non_sworn(text):
    assert parse_sworn(text) is False


def test_it_reads_sworn_from_spreadsheet_cells():
    assert parse_sworn(True) is True
    assert parse_sworn(0) is False
    assert parse_sworn(1.0) is True


def test_it_explains_sworn_values_it_cannot_read():
    with pytest.raises(CellValueError, match="does not say whether"):
        parse_sworn("maybe")
    with pytest.raises(CellValueError, match="empty"):
        parse_sworn("  ")


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.booleans(), st.none()))
def test_sworn_parsing_returns_a_boolean_or_raises_our_error(value):
    try:
        result = parse_sworn(value)
    except ImportFileError as exc:
        assert exc.message
    else:
        assert isinstance(result, bool)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Active", "active"),
        ("", "active"),
        ("LOA", "leave"),
        ("On Leave", "leave"),
        ("Terminated", "separated"),
        ("Retired", "separated"),
    ],
)
def test_it_reads_statuses(text, status):
    assert parse_status(text) == status


def test_it_rejects_unknown_statuses_listing_the_accepted_ones():
    with pytest.raises(CellValueError, match="Active, Leave or Separated"):
        parse_status("Furloughed-ish")


@pytest.mark.parametrize(
    ("title", "sworn", "role"),
    [
        ("Patrol Officer", True, "patrol"),
        ("Police Officer II", True, "patrol"),
        ("Deputy Sheriff", True, "patrol"),
        ("Deputy Chief", True, "command"),
        ("Sheriff", True, "command"),
        ("Sgt.", True, "supervisor"),
        ("Lieutenant", True, "supervisor"),
        ("Detective", True, "detective"),
        ("911 Dispatcher", False, "dispatcher"),
        ("Telecommunicator I", False, "dispatcher"),
        ("Records Clerk", False, "civilian"),
        ("K9 Handler", True, "specialist"),
        ("", True, "patrol"),
        ("", False, "civilian"),
        ("supervisor", True, "supervisor"),
    ],
)
def test_it_maps_job_titles_to_roles(title, sworn, role):
    assert parse_role(title, is_sworn=sworn) == (role, True)


def test_unknown_titles_become_other_and_are_flagged():
    assert parse_role("Chaplain", is_sworn=False) == ("other", False)


def test_it_reads_hours():
    assert parse_hours("8") == Decimal("8.0")
    assert parse_hours("6.5 hrs") == Decimal("6.5")
    assert parse_hours(40) == Decimal("40.0")
    assert parse_hours("") is None
    for bad in ("eight", "0", "-3", "100000", "NaN", True):
        with pytest.raises(CellValueError):
            parse_hours(bad)


def test_it_reads_text_and_whole_numbers_from_spreadsheets():
    assert parse_text(1234.0, max_length=40) == "1234"
    assert parse_text("  Ann   Marie ", max_length=40) == "Ann Marie"
    with pytest.raises(CellValueError, match="longer than 5"):
        parse_text("abcdefg", max_length=5)
    with pytest.raises(CellValueError, match="The employee ID is empty"):
        parse_text(None, max_length=5, required=True, what="The employee ID")


def test_it_adds_months_keeping_the_day_or_the_month_end():
    assert add_months(D(2023, 5, 10), 36) == D(2026, 5, 10)
    assert add_months(D(2024, 2, 29), 36) == D(2027, 2, 28)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)


def test_course_matching_uses_code_name_and_aliases_ignoring_case():
    matcher = CourseMatcher(
        [
            (1, "cit-40", "CIT 40-hour", None, ["CIT", "Crisis Intervention Team"]),
            (2, "mhfa-ps", "Mental Health First Aid for Public Safety", 36, ["MHFA-PS"]),
        ]
    )
    assert matcher.match("cit-40").id == 1
    assert matcher.match("cit 40-HOUR").id == 1
    assert matcher.match("crisis intervention team").id == 1
    assert matcher.match("mhfa ps").id == 2
    with pytest.raises(CellValueError) as excinfo:
        matcher.match("Yoga")
    assert "“Yoga” is not a known course type" in excinfo.value.message
    assert "CIT 40-hour (cit-40)" in excinfo.value.message
    assert "Mental Health First Aid for Public Safety (mhfa-ps)" in excinfo.value.message
