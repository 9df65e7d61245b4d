"""The column-mapping step: suggestions, remembered mappings and clear errors."""

from __future__ import annotations

import io

from mhr.campaigns.imports.mapping import resolve_mapping, suggest_mapping
from mhr.campaigns.models import ColumnMapping
from mhr.campaigns.services.imports import import_preview, import_run
from mhr.campaigns.tests.importdata import csv_bytes


def test_it_suggests_fields_from_common_hr_headers():
    headers = ["Emp ID", "Given Name", "Surname", "Sworn/Civilian", "Job Title", "Division", "DOH"]
    assert suggest_mapping(headers, "roster") == {
        "employee_id": "Emp ID",
        "first_name": "Given Name",
        "last_name": "Surname",
        "is_sworn": "Sworn/Civilian",
        "role": "Job Title",
        "unit": "Division",
        "hire_date": "DOH",
    }
    training = [
        "Badge Number",
        "Course Title",
        "Vendor",
        "Completion Date",
        "Credit Hours",
        "Expires",
    ]
    assert suggest_mapping(training, "training") == {
        "employee_id": "Badge Number",
        "course": "Course Title",
        "provider": "Vendor",
        "completed_on": "Completion Date",
        "hours": "Credit Hours",
        "expires_on": "Expires",
    }


def test_a_chosen_mapping_wins_and_can_unmap_a_field():
    headers = ["ID", "Badge #", "First", "Last", "Sworn", "Unit"]
    mapping, issues = resolve_mapping(
        headers, "roster", chosen={"employee_id": "Badge #", "unit": None}
    )
    assert not issues
    assert mapping["employee_id"] == "Badge #"
    assert "unit" not in mapping


def test_unmapped_required_fields_are_named():
    mapping, issues = resolve_mapping(["Badge #", "Notes"], "roster")
    messages = [i.message for i in issues.items]
    assert messages[0].startswith("The roster has no sworn column.")
    assert messages[1] == (
        "No column is mapped to First name, Last name. Columns in this file: “Badge #”, “Notes”."
    )


def test_a_mapping_naming_a_missing_column_or_field_is_an_error():
    _, issues = resolve_mapping(
        ["Badge #", "First", "Last", "Sworn"],
        "roster",
        chosen={"last_name": "Surname", "shoe": "x"},
    )
    messages = [i.message for i in issues.items]
    assert any("“shoe” is not a roster field" in m for m in messages)
    assert any(
        "names the column “Surname” for Last name, but the file has no such column" in m
        for m in messages
    )


def test_two_columns_with_the_same_mapped_header_are_an_error():
    _, issues = resolve_mapping(["Badge #", "First", "Last", "Sworn", "Last"], "roster")
    assert "2 columns are headed “Last”" in issues.items[0].message


def test_a_roster_without_a_sworn_column_cannot_be_imported(agency_a):
    data = csv_bytes(["Badge #", "First Name", "Last Name"], [["1", "Ann", "Lee"]])
    result = import_preview(agency=agency_a, kind="roster", file=io.BytesIO(data))
    assert not result.ok
    assert "The roster has no sworn column" in result.errors.items[0].message
    assert result.counts["rows"] == 0


def test_the_mapping_is_remembered_per_agency_when_an_import_is_committed(agency_a, agency_b):
    header = ["Personnel Code", "Fn", "Ln", "Class"]
    data = csv_bytes(header, [["1", "Ann", "Lee", "Sworn"]])
    chosen = {
        "employee_id": "Personnel Code",
        "first_name": "Fn",
        "last_name": "Ln",
        "is_sworn": "Class",
    }
    preview = import_preview(agency=agency_a, kind="roster", file=io.BytesIO(data))
    assert not preview.ok
    assert not ColumnMapping.objects.exists()
    result = import_run(
        agency=agency_a, kind="roster", file=io.BytesIO(data), mapping=chosen, commit=True
    )
    assert result.committed
    assert ColumnMapping.objects.get(agency=agency_a, kind="roster").mapping == chosen
    # Next time agency A needs no mapping; agency B still does.
    assert import_preview(agency=agency_a, kind="roster", file=io.BytesIO(data)).ok
    assert not import_preview(agency=agency_b, kind="roster", file=io.BytesIO(data)).ok
