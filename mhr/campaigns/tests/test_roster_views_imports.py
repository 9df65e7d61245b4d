"""The import wizard: upload → column mapping → preview → commit → result, and its history."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.campaigns import roster_views
from mhr.campaigns.models import ColumnMapping, CourseType, ImportBatch, Officer, TrainingRecord
from mhr.campaigns.services.imports import import_preview
from mhr.campaigns.services.roster import officer_create
from mhr.campaigns.tests.importdata import (
    ROSTER_HEADER,
    ROSTER_ROWS,
    TRAINING_HEADER,
    csv_bytes,
    days_ago,
    roster_csv,
    xlsx_bytes,
)

IMPORTS = "/agency/roster/imports/"


def upload(client, content: bytes, name: str = "roster.csv", kind: str = "roster", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), "full_roster": "on"}
    data.update(extra)
    return client.post(f"{IMPORTS}new/", data)


def latest_batch() -> ImportBatch:
    return ImportBatch.objects.order_by("-id").first()


ROSTER_MAPPING = {
    "map_employee_id": "Badge #",
    "map_first_name": "First Name",
    "map_last_name": "Surname",
    "map_is_sworn": "Sworn",
    "map_role": "Rank",
    "map_unit": "Shift",
    "map_hire_date": "Hire Date",
    "map_status": "Status",
    "full_roster": "on",
}


def test_a_coordinator_imports_a_roster_csv_through_every_step(client_for, alice, agency_a):
    client = client_for(alice)
    assert client.get(f"{IMPORTS}new/").status_code == 200

    response = upload(client, csv_bytes(ROSTER_HEADER, ROSTER_ROWS))
    batch = latest_batch()
    assert response["Location"] == f"{IMPORTS}{batch.pk}/mapping/"
    assert batch.stored_file and batch.created_by == alice

    # Mapping: the file's headers against MHR's fields, pre-filled from the suggestions.
    page = client.get(f"{IMPORTS}{batch.pk}/mapping/")
    form = page.context["form"]
    assert form["map_employee_id"].initial == "Badge #"
    assert form["map_is_sworn"].initial == "Sworn"
    assert "Employee ID (required)" in page.content.decode()

    response = client.post(f"{IMPORTS}{batch.pk}/mapping/", ROSTER_MAPPING)
    assert response["Location"] == f"{IMPORTS}{batch.pk}/"
    assert ImportBatch.objects.count() == 1  # the mapping step previews the same batch again

    preview = client.get(f"{IMPORTS}{batch.pk}/")
    html = preview.content.decode()
    assert preview.context["counts"]["new"] == 4
    assert preview.context["can_commit"]
    assert "Commit 4 changes" in html
    assert "Lee" in html and "Examples of the changes" in html
    assert not Officer.objects.exists()  # a preview changes nothing

    response = client.post(f"{IMPORTS}{batch.pk}/commit/")
    assert response["Location"] == f"{IMPORTS}{batch.pk}/"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Officer.objects.filter(agency=agency_a).count() == 4
    assert ColumnMapping.objects.get(agency=agency_a, kind="roster").mapping["is_sworn"] == "Sworn"
    result = client.get(f"{IMPORTS}{batch.pk}/").content.decode()
    assert "Committed" in result and "The changes below were made" in result
    assert "Commit 4" not in result

    history = client.get(IMPORTS).content.decode()
    assert "roster.csv" in history and "Alice Archer" in history and "Committed" in history
    roster = client.get("/agency/roster/").content.decode()
    assert "Olsen, Dee" in roster


def test_re_uploading_the_same_file_shows_nothing_to_change(client_for, alice, agency_a):
    client = client_for(alice)
    content = csv_bytes(ROSTER_HEADER, ROSTER_ROWS)
    upload(client, content)
    first = latest_batch()
    client.post(f"{IMPORTS}{first.pk}/commit/")

    upload(client, content)
    again = latest_batch()
    assert again.pk != first.pk
    page = client.get(f"{IMPORTS}{again.pk}/")
    assert page.context["counts"]["unchanged"] == 4 and page.context["changes"] == 0
    assert "Nothing to change" in page.content.decode()
    assert not page.context["can_commit"]
    assert client.post(f"{IMPORTS}{again.pk}/commit/").status_code == 302
    assert Officer.objects.count() == 4


def test_the_saved_mapping_prefills_the_next_import(client_for, alice, agency_a):
    header = ["Personnel", "Given", "Family", "Kind of employee"]
    rows = [["77", "Ann", "Lee", "Sworn"], ["78", "Bo", "Kim", "Civilian"]]
    client = client_for(alice)
    upload(client, csv_bytes(header, rows))
    batch = latest_batch()
    form = client.get(f"{IMPORTS}{batch.pk}/mapping/").context["form"]
    assert form["map_employee_id"].initial == ""  # nothing recognisable to suggest
    chosen = {
        "map_employee_id": "Personnel",
        "map_first_name": "Given",
        "map_last_name": "Family",
        "map_is_sworn": "Kind of employee",
    }
    client.post(f"{IMPORTS}{batch.pk}/mapping/", chosen)
    client.post(f"{IMPORTS}{batch.pk}/commit/")
    assert Officer.objects.count() == 2

    upload(client, csv_bytes(header, [*rows, ["79", "Cy", "Diaz", "Sworn"]]))
    form = client.get(f"{IMPORTS}{latest_batch().pk}/mapping/").context["form"]
    assert form["map_employee_id"].initial == "Personnel"
    assert form["map_is_sworn"].initial == "Kind of employee"


def test_required_fields_must_be_mapped_each_to_its_own_column(client_for, alice, agency_a):
    client = client_for(alice)
    upload(client, csv_bytes(ROSTER_HEADER, ROSTER_ROWS))
    batch = latest_batch()
    response = client.post(
        f"{IMPORTS}{batch.pk}/mapping/",
        {**ROSTER_MAPPING, "map_is_sworn": "", "map_unit": "Surname"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["map_is_sworn"] == ["Sworn is required: choose the column that holds it."]
    assert "already mapped to Last name" in errors["map_unit"][0]
    assert 'href="#id_map_is_sworn"' in response.content.decode()
    # A header that is not in the file is refused too (a hand-made request).
    response = client.post(f"{IMPORTS}{batch.pk}/mapping/", {**ROSTER_MAPPING, "map_role": "Nope"})
    assert "map_role" in response.context["form"].errors
    assert not Officer.objects.exists()


def test_errors_name_the_row_and_column_and_block_the_commit(client_for, alice, agency_a):
    rows = [
        *ROSTER_ROWS[:2],
        ["1003", "Cy", "Diaz", "Y", "Sergeant", "Days", "31/31/2010", "Active"],
    ]
    client = client_for(alice)
    upload(client, csv_bytes(ROSTER_HEADER, rows))
    batch = latest_batch()
    client.post(f"{IMPORTS}{batch.pk}/mapping/", ROSTER_MAPPING)
    page = client.get(f"{IMPORTS}{batch.pk}/")
    html = page.content.decode()
    assert page.context["counts"]["errors"] == 1
    [error] = ImportBatch.objects.get(pk=batch.pk).errors
    assert (error["row"], error["column"]) == (4, "Hire Date")
    assert "31/31/2010" in html
    assert not page.context["can_commit"] and "Commit" not in html.split("Errors by row")[1]
    response = client.post(f"{IMPORTS}{batch.pk}/commit/")
    assert response.status_code == 302
    assert not Officer.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("\ufeffBadge #,Surname\r\n".encode("utf-16"), "roster.csv", "UTF-16"),
        (b"Badge #,First Name\r\n1,\x81\x8d\r\n", "roster.csv", "neither UTF-8 nor Windows-1252"),
        (b"PK\x03\x04 this is no workbook", "roster.xlsx", "cannot be read"),
        (b"%PDF-1.7 a scan", "roster.pdf", "This is a PDF"),
        (b"\n\n\n", "roster.csv", "The file is empty"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_never_a_500(
    client_for, alice, agency_a, content, name, message
):
    client = client_for(alice)
    response = upload(client, content, name=name)
    batch = latest_batch()
    assert response["Location"] == f"{IMPORTS}{batch.pk}/"
    page = client.get(f"{IMPORTS}{batch.pk}/")
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not page.context["can_commit"]
    # The mapping step has nothing to show for a file that cannot be read.
    assert client.get(f"{IMPORTS}{batch.pk}/mapping/").status_code == 302


def test_an_empty_upload_and_a_too_large_file_are_refused(client_for, alice, agency_a, settings):
    client = client_for(alice)
    response = upload(client, b"")
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    settings.MHR_IMPORT_MAX_BYTES = 100
    response = upload(client, csv_bytes(ROSTER_HEADER, ROSTER_ROWS))
    page = client.get(response["Location"])
    assert "the largest file MHR imports is 100 bytes" in page.content.decode()
    assert not Officer.objects.exists()


def test_an_xlsx_roster_goes_through_the_wizard(client_for, alice, agency_a):
    rows = [
        [1001, "Ann", "Lee", True, "Patrol Officer", "Days", datetime.datetime(2012, 3, 15)],
        ["1002", "Bo", "Kim", "N", "Dispatcher", "Nights", datetime.datetime(2015, 6, 1)],
    ]
    client = client_for(alice)
    upload(client, xlsx_bytes(ROSTER_HEADER, rows).getvalue(), name="roster.xlsx")
    batch = latest_batch()
    assert batch.stored_file.name.endswith(".xlsx")
    client.post(f"{IMPORTS}{batch.pk}/mapping/", ROSTER_MAPPING)
    client.post(f"{IMPORTS}{batch.pk}/commit/")
    assert Officer.objects.get(employee_id="1001").hire_date == datetime.date(2012, 3, 15)
    assert Officer.objects.get(employee_id="1002").is_sworn is False


def test_a_training_file_is_imported_for_officers_on_the_roster(
    client_for, alice, agency_a, one_mind
):
    officer_create(
        agency=agency_a, actor=alice, employee_id="1001", first_name="Ann", last_name="Lee",
        is_sworn=True,
    )  # fmt: skip
    rows = [
        ["1001", "CIT 40-hour", "County", days_ago(100).isoformat(), "40", ""],
        ["9999", "CIT 40-hour", "County", days_ago(100).isoformat(), "40", ""],
    ]
    client = client_for(alice)
    upload(client, csv_bytes(TRAINING_HEADER, rows), name="training.csv", kind="training")
    batch = latest_batch()
    assert batch.kind == "training"
    mapping_page = client.get(f"{IMPORTS}{batch.pk}/mapping/")
    assert "full_roster" not in mapping_page.context["form"].fields
    client.post(
        f"{IMPORTS}{batch.pk}/mapping/",
        {
            "map_employee_id": "Emp ID",
            "map_course": "Course",
            "map_provider": "Provider",
            "map_completed_on": "Date Completed",
            "map_hours": "Hours",
            "map_expires_on": "",
        },
    )
    page = client.get(f"{IMPORTS}{batch.pk}/")
    assert "9999" in page.content.decode()  # not on the roster: an error naming the row
    assert not page.context["can_commit"]

    upload(client, csv_bytes(TRAINING_HEADER, rows[:1]), name="training.csv", kind="training")
    batch = latest_batch()
    client.post(f"{IMPORTS}{batch.pk}/commit/")
    record = TrainingRecord.objects.get()
    assert record.course_type == CourseType.objects.get(code="cit-40")
    assert record.source == TrainingRecord.Source.IMPORT


def test_a_large_file_is_committed_in_the_background(client_for, alice, agency_a, monkeypatch):
    monkeypatch.setattr(roster_views, "BACKGROUND_ROWS", 2)
    client = client_for(alice)
    upload(client, csv_bytes(ROSTER_HEADER, ROSTER_ROWS))
    batch = latest_batch()
    page = client.get(f"{IMPORTS}{batch.pk}/")
    assert "imported in the background" in page.content.decode()
    # Tests run tasks immediately, so the task has finished when the redirect comes back.
    response = client.post(f"{IMPORTS}{batch.pk}/commit/")
    assert response["Location"] == f"{IMPORTS}{batch.pk}/"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.progress_percent == 100
    assert Officer.objects.count() == 4


def test_the_progress_page_polls_and_works_without_javascript(client_for, alice, bob, agency_a):
    client = client_for(alice)
    upload(client, csv_bytes(ROSTER_HEADER, ROSTER_ROWS))
    batch = latest_batch()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", progress_percent=42)

    html = client_for(bob).get(f"{IMPORTS}{batch.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-live="polite"' in html
    assert '<progress class="width-full" max="100" value="42"' in html
    assert "42%" in html
    assert f'<a href="{IMPORTS}{batch.pk}/">Refresh' in html

    partial = client.get(f"{IMPORTS}{batch.pk}/", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode() and "42%" in partial.content.decode()

    ImportBatch.objects.filter(pk=batch.pk).update(status="committed", progress_percent=100)
    done = client.get(f"{IMPORTS}{batch.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == f"{IMPORTS}{batch.pk}/"


def test_a_member_sees_imports_but_cannot_start_map_or_commit_one(client_for, alice, bob, agency_a):
    batch = import_preview(
        agency=agency_a, kind="roster", file=roster_csv(), actor=alice, store_file=True
    ).batch
    client = client_for(bob)
    assert client.get(IMPORTS).status_code == 200
    page = client.get(f"{IMPORTS}{batch.pk}/")
    assert page.status_code == 200 and not page.context["can_commit"]
    assert "Commit" not in page.content.decode()
    assert client.get(f"{IMPORTS}new/").status_code == 403
    assert upload(client, csv_bytes(ROSTER_HEADER, ROSTER_ROWS)).status_code == 403
    assert client.post(f"{IMPORTS}{batch.pk}/mapping/", ROSTER_MAPPING).status_code == 403
    assert client.post(f"{IMPORTS}{batch.pk}/commit/").status_code == 403
    assert ImportBatch.objects.count() == 1 and not Officer.objects.exists()


def test_carol_gets_404_on_agency_a_imports(client_for, alice, carol, agency_a):
    batch = import_preview(
        agency=agency_a, kind="roster", file=roster_csv(), actor=alice, store_file=True
    ).batch
    client = client_for(carol)
    assert "roster.csv" not in client.get(IMPORTS).content.decode()
    assert client.get(f"{IMPORTS}{batch.pk}/").status_code == 404
    assert client.get(f"{IMPORTS}{batch.pk}/mapping/").status_code == 404
    assert client.post(f"{IMPORTS}{batch.pk}/mapping/", ROSTER_MAPPING).status_code == 404
    assert client.post(f"{IMPORTS}{batch.pk}/commit/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and not Officer.objects.exists()


def test_the_history_has_a_constant_number_of_queries(client_for, alice, agency_a):
    client = client_for(alice)
    import_preview(agency=agency_a, kind="roster", file=roster_csv(), actor=alice)
    client.get(IMPORTS)
    with CaptureQueriesContext(connection) as one:
        client.get(IMPORTS)
    for _ in range(30):
        import_preview(agency=agency_a, kind="roster", file=roster_csv(), actor=alice)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{IMPORTS}?page=2")
    assert "page 2 of 2" in response.content.decode()
    assert len(many.captured_queries) == len(one.captured_queries)
