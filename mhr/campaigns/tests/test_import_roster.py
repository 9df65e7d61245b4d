"""Roster imports end to end: preview, commit, history, idempotence and isolation."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import ColumnMapping, ImportBatch, Officer
from mhr.campaigns.services import imports as import_services
from mhr.campaigns.services.imports import import_commit, import_preview, import_run
from mhr.campaigns.tests.importdata import (
    ROSTER_HEADER,
    ROSTER_ROWS,
    csv_bytes,
    roster_csv,
    xlsx_bytes,
)

TODAY = datetime.date(2026, 11, 27)


def preview(agency, upload, **kwargs):
    return import_preview(agency=agency, kind="roster", file=upload, today=TODAY, **kwargs)


def commit(agency, upload, actor=None, **kwargs):
    return import_run(
        agency=agency, kind="roster", file=upload, actor=actor, commit=True, today=TODAY, **kwargs
    )


def officers(agency) -> dict[str, tuple]:
    return {
        o.employee_id: (o.last_name, o.role, o.unit, o.status, o.status_since)
        for o in Officer.objects.filter(agency=agency)
    }


def test_a_preview_counts_new_people_and_changes_nothing(agency_a, alice):
    result = preview(agency_a, roster_csv(), actor=alice)
    assert result.ok
    assert result.counts == {
        "new": 4,
        "updated": 0,
        "separated": 0,
        "unchanged": 0,
        "rows": 4,
        "errors": 0,
        "warnings": 0,
        "full_roster": True,
    }
    assert [s["employee_id"] for s in result.samples["new"]] == ["1001", "1002", "1003", "1004"]
    assert not Officer.objects.exists()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_by, batch.original_filename) == (
        "previewed",
        alice,
        "roster.csv",
    )
    assert len(batch.sha256) == 64
    assert batch.mapping["employee_id"] == "Badge #"
    assert not AuditEvent.objects.exists()


def test_a_commit_creates_the_roster_records_history_and_one_audit_row(agency_a, alice):
    result = commit(agency_a, roster_csv(), actor=alice)
    assert result.committed and result.counts["new"] == 4
    assert officers(agency_a)["1004"] == ("Olsen", "detective", "Investigations", "leave", None)
    assert Officer.objects.get(employee_id="1002").is_sworn is False
    batch = ImportBatch.objects.get()
    assert batch.status == "committed" and batch.progress_percent == 100
    assert batch.finished_at is not None
    [event] = AuditEvent.objects.all()
    assert event.event_type == AuditEvent.EventType.ROSTER_IMPORTED
    assert (event.actor, event.agency, event.object_id) == (alice, agency_a, str(batch.pk))
    assert event.extra["new"] == 4


def test_reimporting_the_same_file_changes_nothing(agency_a, alice):
    commit(agency_a, roster_csv(), actor=alice)
    before = list(Officer.objects.order_by("id").values())
    result = commit(agency_a, roster_csv(), actor=alice)
    assert result.committed
    assert {k: result.counts[k] for k in ("new", "updated", "separated", "unchanged")} == {
        "new": 0,
        "updated": 0,
        "separated": 0,
        "unchanged": 4,
    }
    assert list(Officer.objects.order_by("id").values()) == before
    # Only the batch rows: no per-officer change events.
    assert AuditEvent.objects.filter(event_type=AuditEvent.EventType.ROSTER_IMPORTED).count() == 2
    assert AuditEvent.objects.count() == 2


def test_the_same_roster_as_xlsx_is_also_unchanged(agency_a):
    commit(agency_a, roster_csv())
    result = commit(agency_a, xlsx_bytes(ROSTER_HEADER, ROSTER_ROWS))
    assert result.counts["unchanged"] == 4, [str(e) for e in result.errors.items]


def test_a_full_roster_separates_missing_people_as_of_the_import(agency_a):
    commit(agency_a, roster_csv())
    changed = [
        ["1001", "Ann", "Lee", "Y", "Sergeant", "Days", "03/15/2012", "Active"],
        ROSTER_ROWS[1],
        ["1005", "Eli", "Park", "N", "Records Clerk", "", "", ""],
    ]
    result = preview(agency_a, roster_csv(changed))
    assert {k: result.counts[k] for k in ("new", "updated", "separated", "unchanged")} == {
        "new": 1,
        "updated": 1,
        "separated": 2,
        "unchanged": 1,
    }
    assert result.samples["updated"][0]["changes"] == {"role": ["patrol", "supervisor"]}
    assert {s["employee_id"] for s in result.samples["separated"]} == {"1003", "1004"}
    commit(agency_a, roster_csv(changed))
    roster = officers(agency_a)
    assert roster["1003"][3:] == ("separated", TODAY)
    assert roster["1004"][3:] == ("separated", TODAY)
    assert roster["1005"][1] == "civilian"


def test_a_partial_file_only_adds_and_updates(agency_a):
    commit(agency_a, roster_csv())
    result = commit(agency_a, roster_csv([ROSTER_ROWS[0]]), full_roster=False)
    assert result.counts["separated"] == 0 and result.counts["full_roster"] is False
    assert {o[3] for o in officers(agency_a).values()} == {"active", "leave"}


def test_someone_back_on_a_full_roster_is_active_again(agency_a):
    commit(agency_a, roster_csv())
    commit(agency_a, roster_csv(ROSTER_ROWS[1:]))
    assert officers(agency_a)["1001"][3] == "separated"
    rows = [row[:7] for row in ROSTER_ROWS]  # no status column
    header = ROSTER_HEADER[:7]
    result = commit(agency_a, io.BytesIO(csv_bytes(header, rows)))
    assert result.counts["updated"] == 1
    assert officers(agency_a)["1001"][3:] == ("active", TODAY)
    # Without a status column, someone on leave stays on leave.
    assert officers(agency_a)["1004"][3] == "leave"


def test_columns_missing_from_the_file_are_left_alone(agency_a):
    commit(agency_a, roster_csv())
    header = ["Badge #", "First Name", "Surname", "Sworn"]
    result = commit(agency_a, io.BytesIO(csv_bytes(header, [r[:4] for r in ROSTER_ROWS])))
    assert result.counts["unchanged"] == 4
    assert officers(agency_a)["1002"][1:3] == ("dispatcher", "Nights")


def test_any_error_means_nothing_is_committed(agency_a, alice):
    commit(agency_a, roster_csv())
    rows = [
        ["1001", "Ann", "Lee-Smith", "Y", "", "", "", ""],
        ["1009", "New", "Person", "Y", "", "", "", ""],
        ["1002", "Bo", "Kim", "sometimes", "", "", "", ""],
    ]
    before = list(Officer.objects.order_by("id").values())
    result = commit(agency_a, roster_csv(rows), actor=alice)
    assert not result.committed
    assert [str(e) for e in result.errors.items] == [
        "Row 4, column “Sworn”: “sometimes” does not say whether the person is sworn "
        "(use Y/N, Yes/No, TRUE/FALSE, 1/0, Sworn/Civilian or Sworn/Non-sworn)."
    ]
    # The person whose row failed is not counted as separated.
    assert result.counts["separated"] == 2
    assert list(Officer.objects.order_by("id").values()) == before
    batch = ImportBatch.objects.latest("id")
    assert batch.status == "previewed"
    assert batch.errors == [
        {"row": 4, "column": "Sworn", "message": result.errors.items[0].message}
    ]
    assert not AuditEvent.objects.filter(actor=alice).exists()


def test_committing_a_batch_with_errors_marks_it_failed(agency_a):
    rows = [["1001", "Ann", "Lee", "Y"], ["1001", "Al", "Lee", "Y"]]
    result = preview(agency_a, roster_csv(rows), store_file=True)
    assert "appears twice: rows 2 and 3" in result.errors.items[0].message
    result = import_commit(batch=result.batch, actor=None, today=TODAY)
    assert not result.committed
    assert result.batch.status == "failed"
    assert not Officer.objects.exists()


def test_the_commit_is_one_transaction(agency_a, monkeypatch):
    commit(agency_a, roster_csv())
    before = list(Officer.objects.order_by("id").values())

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(import_services.ColumnMapping.objects, "update_or_create", explode)
    changed = [["1001", "Ann", "Changed", "Y"], ["1077", "New", "Person", "N"]]
    with pytest.raises(RuntimeError):
        commit(agency_a, roster_csv(changed))
    assert list(Officer.objects.order_by("id").values()) == before
    assert ImportBatch.objects.latest("id").status == "failed"
    assert AuditEvent.objects.count() == 1


def test_a_committed_batch_cannot_be_committed_again(agency_a):
    result = commit(agency_a, roster_csv())
    with pytest.raises(ValidationError, match="already been committed"):
        import_commit(batch=result.batch, actor=None)


def test_a_different_file_than_the_one_previewed_is_refused(agency_a):
    result = preview(agency_a, roster_csv())
    other = roster_csv(ROSTER_ROWS[:2])
    result = import_commit(batch=result.batch, actor=None, file=other, today=TODAY)
    assert not result.committed
    assert "not the one that was previewed" in result.errors.items[0].message


def test_an_import_for_agency_b_never_touches_agency_a(agency_a, agency_b, alice, carol):
    commit(agency_a, roster_csv(), actor=alice)
    a_before = list(Officer.objects.filter(agency=agency_a).order_by("id").values())
    rows = [["1001", "Carl", "Other", "N", "Dispatcher", "", "", ""]]
    result = commit(agency_b, roster_csv(rows), actor=carol)
    assert result.counts["new"] == 1 and result.counts["separated"] == 0
    assert list(Officer.objects.filter(agency=agency_a).order_by("id").values()) == a_before
    assert officers(agency_b) == {"1001": ("Other", "dispatcher", "", "active", None)}
    # B's full roster does not separate A's people, and A's mapping stays A's.
    assert ColumnMapping.objects.filter(agency=agency_b).count() == 1
    assert ImportBatch.objects.filter(agency=agency_b).count() == 1


def test_a_mass_separation_is_warned_about(agency_a):
    rows = [[str(2000 + i), "P", f"N{i}", "Y"] for i in range(20)]
    commit(agency_a, roster_csv(rows))
    result = preview(agency_a, roster_csv(rows[:5]))
    assert result.counts["separated"] == 15
    assert "would mark 15 of the 20 people" in result.warnings.items[0].message


def test_unknown_roles_are_imported_as_other_with_one_warning_per_title(agency_a):
    rows = [[str(3000 + i), "P", "Q", "N", "Chaplain", "", "", ""] for i in range(3)]
    result = preview(agency_a, roster_csv(rows))
    [warning] = result.warnings.items
    assert (warning.row, warning.column) == (2, "Rank")
    assert "“Chaplain” is not one MHR recognises, so 3 people were imported" in warning.message


def test_lists_are_capped_but_totals_are_not(agency_a):
    rows = [[str(i), "P", "Q", "perhaps"] for i in range(250)]
    result = preview(agency_a, roster_csv(rows))
    assert result.errors.total == 250
    assert len(result.errors.items) == 200
    assert result.counts["errors"] == 250
    assert len(ImportBatch.objects.get().errors) == 200


def test_preview_and_commit_use_a_constant_number_of_queries(agency_a):
    counts = []
    for size in (1, 50):
        Officer.objects.all().delete()
        rows = [[str(i), "A", "B", "Y"] for i in range(size)]
        commit(agency_a, roster_csv(rows))
        changed = [[str(i), "A", "Changed", "Y"] for i in range(size)]
        changed += [[f"n{i}", "New", "Person", "N"] for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            result = commit(agency_a, roster_csv(changed))
        assert result.counts["updated"] == size and result.counts["new"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 25
