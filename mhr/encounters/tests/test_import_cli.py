"""`mhr import encounters FILE --agency ORI [--format native|seattle] [--mapping] [--commit]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mhr.encounters import synthetic
from mhr.encounters.models import Encounter

pytestmark = pytest.mark.django_db


def mhr_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def native_file(tmp_path):
    path = tmp_path / "encounters.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        synthetic.write_native_csv(stream, count=25, seed=5)
    return path


def test_dry_run_by_default(agency_a, native_file):
    out = mhr_import("encounters", str(native_file), "--agency", agency_a.ori)
    assert "New:" in out and "25" in out
    assert "Dry run" in out
    assert not Encounter.objects.exists()


def test_commit_and_reimport(agency_a, native_file):
    out = mhr_import("encounters", str(native_file), "--agency", agency_a.ori, "--commit")
    assert "Committed" in out
    assert Encounter.objects.filter(agency=agency_a).count() == 25
    again = mhr_import("encounters", str(native_file), "--agency", agency_a.ori, "--commit")
    assert "Unchanged:        25" in again


def test_errors_exit_non_zero_and_name_row_and_column(agency_a, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Incident,Received,Disposition\nA-1,2025-03-01 25:10,arrest\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error: nothing was imported"):
        call_command(
            "import", "encounters", str(path), "--agency", agency_a.ori, "--commit", stdout=out
        )
    assert "Row 2, column “Received”" in out.getvalue()
    assert not Encounter.objects.exists()


def test_mapping_option(agency_a, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("No.,When,Outcome\nA-1,2025-03-01 10:00,arrest\n")
    mapping = json.dumps(
        {"incident_number": "No.", "received_at": "When", "disposition": "Outcome"}
    )
    with pytest.raises(CommandError):
        mhr_import("encounters", str(path), "--agency", agency_a.ori)
    out = mhr_import(
        "encounters", str(path), "--agency", agency_a.ori, "--mapping", mapping, "--commit"
    )
    assert "Committed" in out
    assert Encounter.objects.get().disposition == "arrest"


def test_seattle_format(agency_a, tmp_path):
    path = tmp_path / "seattle.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        rows = synthetic.write_seattle_csv(stream, count=40, seed=2)
    assert rows >= 40
    out = mhr_import(
        "encounters", str(path), "--agency", agency_a.ori, "--format", "seattle", "--commit"
    )
    assert "Committed" in out
    assert Encounter.objects.filter(agency=agency_a).count() == 40


def test_unknown_agency(tmp_path, db):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(CommandError, match="No agency"):
        mhr_import("encounters", str(path), "--agency", "XX0000000")
