"""`mhr import roster|training FILE --agency ORI [--commit]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from mhr.campaigns.models import ImportBatch, Officer, TrainingRecord
from mhr.campaigns.tests.importdata import (
    ROSTER_HEADER,
    ROSTER_ROWS,
    TRAINING_HEADER,
    csv_bytes,
)


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(ROSTER_HEADER, ROSTER_ROWS))
    return path


def mhr_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_preview_and_changes_nothing(agency_a, roster_file):
    output = mhr_import("roster", str(roster_file), "--agency", "wa0170000")
    assert (
        "Roster import for Springfield Police Department (WA0170000) from roster.csv: 4 rows"
        in output
    )
    assert "Employee ID ← “Badge #”" in output
    assert "  New:              4" in output
    assert "Dry run: nothing was changed. Run again with --commit to apply." in output
    assert not Officer.objects.exists()
    assert ImportBatch.objects.get().status == "previewed"


def test_commit_applies_and_a_rerun_changes_nothing(agency_a, roster_file, alice):
    output = mhr_import(
        "roster", str(roster_file), "--agency", "WA0170000", "--commit", "--user", alice.email
    )
    assert "Committed (import #" in output
    assert Officer.objects.filter(agency=agency_a).count() == 4
    assert ImportBatch.objects.get(status="committed").created_by == alice
    output = mhr_import("roster", str(roster_file), "--agency", "WA0170000", "--commit")
    assert "  Unchanged:        4" in output


def test_errors_are_printed_and_exit_non_zero_without_committing(agency_a, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(ROSTER_HEADER, [["1", "Ann", "Lee", "perhaps"]]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error: nothing was imported"):
        call_command("import", "roster", str(path), "--agency", "WA0170000", "--commit", stdout=out)
    assert "Row 2, column “Sworn”: “perhaps” does not say whether" in out.getvalue()
    assert not Officer.objects.exists()


def test_the_exit_status_is_non_zero_from_the_shell(agency_a, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as excinfo:
        execute_from_command_line(["mhr", "import", "roster", str(path), "--agency", "WA0170000"])
    assert excinfo.value.code == 1


def test_a_mapping_can_be_given_as_json_or_a_file(agency_a, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(["Code", "Fn", "Ln", "Kind"], [["1", "Ann", "Lee", "Sworn"]]))
    mapping = {"employee_id": "Code", "first_name": "Fn", "last_name": "Ln", "is_sworn": "Kind"}
    output = mhr_import(
        "roster", str(path), "--agency", "WA0170000", "--mapping", json.dumps(mapping)
    )
    assert "  New:              1" in output
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(json.dumps(mapping))
    mhr_import(
        "roster",
        str(path),
        "--agency",
        "WA0170000",
        "--mapping-file",
        str(mapping_file),
        "--commit",
    )
    assert Officer.objects.get().employee_id == "1"
    with pytest.raises(CommandError, match="not valid JSON"):
        mhr_import("roster", str(path), "--agency", "WA0170000", "--mapping", "{nope")


def test_a_partial_roster_separates_nobody(agency_a, roster_file, tmp_path):
    mhr_import("roster", str(roster_file), "--agency", "WA0170000", "--commit")
    path = tmp_path / "some.csv"
    path.write_bytes(csv_bytes(ROSTER_HEADER, ROSTER_ROWS[:1]))
    output = mhr_import("roster", str(path), "--agency", "WA0170000", "--partial")
    assert "Separated:        0 (partial file: nobody is separated)" in output
    output = mhr_import("roster", str(path), "--agency", "WA0170000")
    assert "  Separated:        3" in output


def test_training_imports_from_the_command_line(agency_a, roster_file, tmp_path, one_mind):
    mhr_import("roster", str(roster_file), "--agency", "WA0170000", "--commit")
    path = tmp_path / "training.csv"
    path.write_bytes(
        csv_bytes(TRAINING_HEADER, [["1001", "MHFA-PS", "NCMW", "2024-05-01", "8", ""]])
    )
    output = mhr_import("training", str(path), "--agency", "WA0170000", "--commit")
    assert "Training import" in output and "Committed" in output
    assert TrainingRecord.objects.get().course_type.code == "mhfa-ps"


def test_unknown_agencies_and_files_are_clear_errors(agency_a, roster_file):
    with pytest.raises(CommandError, match="No agency has the ORI XX0000000"):
        mhr_import("roster", str(roster_file), "--agency", "XX0000000")
    with pytest.raises(CommandError, match="is not a file"):
        mhr_import("roster", "/nonexistent/roster.csv", "--agency", "WA0170000")


def test_verbose_output_lists_the_changes(agency_a, roster_file, tmp_path):
    mhr_import("roster", str(roster_file), "--agency", "WA0170000", "--commit")
    path = tmp_path / "next.csv"
    rows = [
        ["1001", "Ann", "Lee", "Y", "Sergeant", "Days", "03/15/2012", "Active"],
        *ROSTER_ROWS[1:3],
    ]
    path.write_bytes(csv_bytes(ROSTER_HEADER, rows))
    output = mhr_import("roster", str(path), "--agency", "WA0170000", "-v", "2")
    assert "Updated (first 1):\n  1001 Ann Lee; role: patrol → supervisor" in output
    assert "Separated (first 1):\n  1004 Dee Olsen" in output
