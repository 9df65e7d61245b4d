"""The columnar import path (imports/columnar.py) stores exactly what the row-by-row path stores.

Its converters are compared cell by cell with native.cell_converter (hypothesis, no database),
and whole files are imported both ways and compared record by record, rollup by rollup. On
PostgreSQL the file tests also check that the columnar path really ran (or, for a file with a
problem, that it stood aside so the row-by-row path could name the rows).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import zoneinfo

import pyarrow as pa
import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mhr.encounters import import_services, schema, synthetic
from mhr.encounters.import_services import encounter_import_run
from mhr.encounters.imports import bulk, columnar
from mhr.encounters.imports.native import Bad, cell_converter
from mhr.encounters.models import Encounter
from mhr.encounters.rollups import AGENCY_ROLLUP_MODELS

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
NY = zoneinfo.ZoneInfo("America/New_York")


def _converter(tz=LA, fields=("received_at",)) -> columnar.ColumnarConverter:
    return columnar.ColumnarConverter(
        headers=list(fields),
        mapping={name: name for name in fields},
        tz=tz,
        digester=lambda key: key.strip(),
        delimiter=",",
        row_fields=bulk.ROW_FIELDS,
        max_rows=10,
    )


def _columnar_moments(cells: list[str], tz) -> list | None:
    try:
        return _converter(tz)._moments("received_at", pa.array(cells, pa.string())).to_pylist()
    except columnar.NotColumnar:
        return None


def _row_moments(cells: list[str], tz) -> list | None:
    convert = cell_converter("received_at", tz)
    values = [convert(cell) for cell in cells]
    return None if any(isinstance(value, Bad) for value in values) else values


_digits = st.text("0123456789", min_size=2, max_size=2)
_iso_like = st.builds(
    lambda y, mo, d, sep, h, mi, s: f"{y}-{mo}-{d}{sep}{h}:{mi}{s}",
    st.sampled_from(["1899", "1900", "2016", "2024", "2025", "2099", "0001", "9999"]),
    _digits,
    _digits,
    st.sampled_from([" ", "T", "  ", "t"]),
    _digits,
    _digits,
    st.sampled_from(["", ":00", ":59", ":60", ":5", ".5"]),
)
_other_cells = st.sampled_from(
    [
        "",
        "  ",
        "03/14/2025 2:05 PM",
        "2025-03-14 14:05 ",
        " 2025-03-14 14:05",
        "2025-03-14 25:10",
        "2025-02-30 10:00",
        "2025-03-09 02:30",  # in the spring-forward gap (America/*)
        "2025-11-02 01:30",  # twice on the fall-back night
        "2025-03-14T14:05:00Z",
        "2025-03-14T14:05:00-05:00",
        "yesterday",
    ]
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_iso_like | _other_cells, min_size=1, max_size=6), eastern=st.booleans())
@example(cells=["2025-03-09 02:30", "2025-11-02 01:30", "2025-11-02 01:30:00"], eastern=False)
@example(cells=["2024-03-10 02:59:59"], eastern=True)
def test_date_times_convert_as_the_row_by_row_converter_does(cells, eastern):
    """Either both accept the column and agree on every instant, or the columnar converter
    stands aside (NotColumnar) and the row-by-row path decides; it never accepts a cell the
    row-by-row converter rejects."""
    tz = NY if eastern else LA
    reference = _row_moments(cells, tz)
    fast = _columnar_moments(cells, tz)
    if reference is None:
        assert fast is None
    elif fast is not None:
        assert fast == reference


def test_common_layouts_stay_on_the_columnar_path():
    cells = ["2025-03-14 14:05", "2025-03-14T14:05:09", "", "2025-03-09 02:30", "2025-11-02 01:30"]
    assert _columnar_moments(cells, LA) == _row_moments(cells, LA)


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.sampled_from(["Y", "n", "yes", "", "unknown", "maybe", " 1 ", "0", "N/A", "true"]),
        min_size=1,
        max_size=8,
    )
)
def test_yes_no_cells_convert_as_the_row_by_row_converter_does(cells):
    convert = cell_converter("suicidal", LA)
    reference = [convert(cell) for cell in cells]
    try:
        fast = _converter(fields=("suicidal",))._repeating("suicidal", pa.array(cells)).to_pylist()
    except columnar.NotColumnar:
        assert any(isinstance(value, Bad) for value in reference)
    else:
        assert fast == reference


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.text(alphabet=st.sampled_from("A1- \t\u00a0\u2003\x1c\u3000é"), max_size=70),
        min_size=1,
        max_size=6,
    )
)
def test_incident_numbers_are_stripped_and_measured_as_python_does(cells):
    convert = cell_converter("incident_number", LA)
    reference = [convert(cell) for cell in cells]
    try:
        fast = _converter(fields=("incident_number",))._unique_text(
            "incident_number", pa.array(cells)
        )
    except columnar.NotColumnar:
        assert any(isinstance(value, Bad) for value in reference)
    else:
        assert fast.to_pylist() == reference


# --- whole files, both ways ------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the columnar path writes with PostgreSQL's COPY"
)

_COMPARED = ("status", "source", "repeat_contact", "version", *bulk.ROW_FIELDS)


def _stored(agency) -> dict[str, tuple]:
    rows = Encounter.objects.filter(agency=agency).values_list(*_COMPARED)
    at = _COMPARED.index("incident_number")
    # The digest is keyed by the agency: compare whether there is one.
    digest = _COMPARED.index("person_digest")
    return {
        row[at]: tuple(bool(v) if i == digest else v for i, v in enumerate(row)) for row in rows
    }


def _agency_rollups(agency) -> list[list[tuple]]:
    tables = []
    for model in AGENCY_ROLLUP_MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "agency")]
        tables.append(sorted(model.objects.filter(agency=agency).values_list(*fields)))
    return tables


@contextlib.contextmanager
def _only_path(monkeypatch, *, columnar_path: bool):
    """Inside: the columnar path only (the row-by-row one fails the test), or never."""
    with monkeypatch.context() as patch:
        if columnar_path:

            def refuse(self, source):
                raise AssertionError("the row-by-row path ran")

            patch.setattr(import_services._Pass, "_run_rows", refuse)
        else:
            patch.setattr(columnar, "available", lambda: False)
        yield


def _import(agency, actor, data: bytes, *, columnar_path: bool, monkeypatch, name="f.csv"):
    with _only_path(monkeypatch, columnar_path=columnar_path):
        return encounter_import_run(
            agency=agency, file=io.BytesIO(data), filename=name, actor=actor, commit=True
        )


def _synthetic_file(count: int, *, seed: int) -> str:
    stream = io.StringIO()
    synthetic.write_native_csv(stream, count=count, seed=seed, prefix="S")
    return stream.getvalue()


def _variety(text: str) -> str:
    """The synthetic file with the layouts real exports have: ISO 'T' times with seconds,
    padded incident numbers, a quoted cell holding a comma and a line break, times in the
    spring-forward gap and on the fall-back night, a blank optional time."""
    lines = text.splitlines()
    header, rows = lines[0], lines[1:]
    rows[0] = rows[0].replace(
        rows[0].split(",")[1], rows[0].split(",")[1].replace(" ", "T") + ":07"
    )
    first = rows[1].split(",")
    first[0] = f"  {first[0]} "
    rows[1] = ",".join(first)
    extra = [
        'X-1,2025-03-09 02:30,2025-03-09 03:40,2025-03-09 04:00,911,"CRISIS, GENERAL",'
        '"WELFARE\nCHECK",Y,2,Y,N,N,25_34,female,white,N,housed,Y,N,N,N,none,none,N,N,N,'
        "referral,,Mobile crisis team,Y,NORTH,N1,person-1",
        "X-2,2025-11-02 01:30,,2025-11-02 01:50,911,CRISIS,CRISIS,N,1,N,N,N,,,,,,N,N,N,N,"
        "none,none,N,N,N,arrest,,,,SOUTH,S2,person-1",
        "X-3,2025-11-02 01:30:00,2025-11-02 01:31,,crisis_line,CRISIS,CRISIS,N,1,N,N,N,,,,,,"
        "N,N,N,N,none,none,N,N,N,resolved_on_scene,,,,SOUTH,S2,",
    ]
    return "\n".join([header, *rows, *extra]) + "\n"


@postgres_only
@pytest.mark.django_db
def test_a_file_is_stored_alike_both_ways(agency_a, agency_b, alice, carol, monkeypatch):
    data = _variety(_synthetic_file(1500, seed=5)).encode()
    fast = _import(agency_a, alice, data, columnar_path=True, monkeypatch=monkeypatch)
    slow = _import(agency_b, carol, data, columnar_path=False, monkeypatch=monkeypatch)
    assert fast.committed and slow.committed
    for key in ("rows", "new", "updated", "unchanged", "errors", "warnings"):
        assert fast.counts[key] == slow.counts[key], key
    assert fast.counts["new"] == 1503
    assert fast.samples == slow.samples
    assert fast.mapping == slow.mapping
    fast_rows, slow_rows = _stored(agency_a), _stored(agency_b)
    assert fast_rows.keys() == slow_rows.keys()
    for number, row in slow_rows.items():
        assert fast_rows[number] == row, number
    # The padded incident number was stripped, the quoted line break kept.
    assert "X-1" in fast_rows
    record = Encounter.objects.get(agency=agency_a, incident_number="X-1")
    assert record.final_call_type == "WELFARE\nCHECK"
    assert record.received_at == datetime.datetime(2025, 3, 9, 10, 30, tzinfo=datetime.UTC)
    # Created and updated when the import ran (the database default, one value for the file).
    stamps = set(Encounter.objects.filter(agency=agency_a).values_list("created_at", "updated_at"))
    assert len(stamps) == 1
    created, updated = stamps.pop()
    assert created == updated
    assert abs(timezone.now() - created) < datetime.timedelta(minutes=5)
    # Both agencies' pre-aggregated counts are the same counts.
    assert _agency_rollups(agency_a) == _agency_rollups(agency_b)
    assert Encounter.objects.filter(agency=agency_a, repeat_contact=True).count() > 100


@postgres_only
@pytest.mark.django_db
def test_semicolons_a_byte_order_mark_and_missing_optional_columns(
    agency_a, agency_b, alice, carol, monkeypatch
):
    text = (
        "\ufeffincident_number;received_at;cleared_at;disposition;district\n"
        "A-1;2025-01-05 10:00;2025-01-05 11:30;arrest;NORTH\n"
        'A-2;2025-01-06 23:59:59;;"referral";\n'
    )
    fast = _import(agency_a, alice, text.encode(), columnar_path=True, monkeypatch=monkeypatch)
    slow = _import(agency_b, carol, text.encode(), columnar_path=False, monkeypatch=monkeypatch)
    assert fast.committed and slow.committed
    assert _stored(agency_a) == _stored(agency_b)
    assert _stored(agency_a)["A-1"][_COMPARED.index("call_source")] == "unknown"


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("B-2,2025-01-05 10:00,2025-01-05 09:00,arrest", "cleared_at", "cleared before"),
        ("B-2,2025-01-05 25:10,,arrest", "received_at", "not a time of day"),
        ("B-2,2025-01-05 10:00,,jail", "disposition", "not a known code"),
        ("B-1,2025-01-05 10:00,,arrest", "incident_number", "also on row 2"),
        ('B-2,"2025-01-05 10:00,,arrest', "received_at", "not a time of day"),
    ],
)
def test_a_problem_is_named_by_the_row_by_row_path(agency_a, alice, row, column, message):
    data = (
        f"incident_number,received_at,cleared_at,disposition\nB-1,2025-01-05 09:00,,arrest\n{row}\n"
    )
    outcome = encounter_import_run(
        agency=agency_a, file=io.BytesIO(data.encode()), filename="f.csv", actor=alice, commit=True
    )
    assert not outcome.committed
    issue = outcome.errors.items[0]
    assert message in issue.message
    if column is not None:
        assert issue.row == 3 and issue.column == column
    assert not Encounter.objects.filter(agency=agency_a).exists()


@postgres_only
@pytest.mark.django_db
def test_an_agency_with_records_uses_the_row_by_row_path(agency_a, alice, monkeypatch):
    first = "incident_number,received_at,disposition\nC-1,2025-01-05 09:00,arrest\n"
    _import(agency_a, alice, first.encode(), columnar_path=True, monkeypatch=monkeypatch)
    second = "incident_number,received_at,disposition\nC-1,2025-01-05 09:00,referral\n"
    with pytest.raises(AssertionError, match="row-by-row path ran"):
        _import(agency_a, alice, second.encode(), columnar_path=True, monkeypatch=monkeypatch)


def test_unmapped_fields_get_the_row_by_row_defaults():
    table = _converter(fields=("incident_number", "received_at", "disposition")).convert(
        pa.RecordBatch.from_pydict({"c0": ["D-1"], "c1": ["2025-01-05 09:00"], "c2": ["arrest"]})
    )
    row = {name: table.column(name).to_pylist()[0] for name in bulk.ROW_FIELDS}
    builder = bulk.RowBuilder(
        provided=("incident_number", "received_at", "disposition"), tz=LA, digester=str.strip
    )
    expected = builder.build(
        {
            "incident_number": "D-1",
            "received_at": datetime.datetime(2025, 1, 5, 17, 0, tzinfo=datetime.UTC),
            "disposition": "arrest",
        }
    )
    assert [row[name] for name in bulk.ROW_FIELDS] == expected
    assert schema.BY_NAME["call_source"].kind == schema.CHOICE


@postgres_only
@pytest.mark.django_db
def test_person_look_ups_can_use_the_partial_person_index(agency_a):
    """The person digest index leaves out records without a person key; every query that looks
    people up must say so, or PostgreSQL cannot use it (a full scan of the agency)."""
    from django.test.utils import CaptureQueriesContext

    from mhr.encounters.rollups import rollup_refresh
    from mhr.encounters.services import encounters_recompute_repeats

    digests = {"a" * 64, "b" * 64}
    with CaptureQueriesContext(connection) as captured:
        encounters_recompute_repeats(agency=agency_a, digests=digests)
        rollup_refresh(agency=agency_a, dates=[datetime.date(2025, 1, 5)], digests=digests)
    lookups = [
        query["sql"]
        for query in captured.captured_queries
        if '"encounters_encounter"."person_digest" IN' in query["sql"]
    ]
    assert len(lookups) == 3, lookups
    for sql in lookups:
        # The index's own predicate, stated (Django writes the exclude as NOT (... = '')).
        assert """NOT ("encounters_encounter"."person_digest" = '')""" in sql, sql
    # And stated that way, PostgreSQL can use the index (here with nothing else allowed).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # (Nothing else that starts with the agency, which an empty table would prefer.)
        cursor.execute("DROP INDEX encounter_agency_date_idx")
        cursor.execute(
            "ALTER TABLE encounters_encounter DROP CONSTRAINT encounters_incident_unique_per_agency"
        )
        for sql in lookups:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "encounter_person_digest_idx" in plan, plan


class _FakeCopy:
    def __init__(self, log, fail_at):
        self.log, self.fail_at = log, fail_at

    def __enter__(self):
        self.log.append("begin")
        return self

    def write(self, data):
        if data == self.fail_at:
            raise ValueError("duplicate key")
        self.log.append(data)

    def __exit__(self, kind, exc, tb):
        self.log.append("abort" if kind else "end")


class _FakeCursor:
    def __init__(self, fail_at=None):
        self.log: list = []
        self.fail_at = fail_at

    def copy(self, statement):
        return _FakeCopy(self.log, self.fail_at)


def _within(seconds, scenario):
    """Run `scenario` in a thread and fail (rather than hang) if it does not end in time."""
    import threading

    errors: list = []

    def run():
        try:
            scenario()
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the sender deadlocked"
    if errors:
        raise errors[0]


def test_the_sender_splits_statements_and_hands_errors_back(monkeypatch):
    monkeypatch.setattr(bulk._Sender, "STATEMENT_BATCHES", 2)
    _within(20, _sender_scenarios)


def _sender_scenarios():
    cursor = _FakeCursor()
    sender = bulk._Sender(cursor, "COPY")
    for batch in ("a", "b", "c"):
        sender.put(batch)
    sender.close()
    assert cursor.log == ["begin", "a", "b", "end", "begin", "c", "end"]

    # An error in the thread reaches the caller, who can keep handing over and close.
    failing = _FakeCursor(fail_at="b")
    sender = bulk._Sender(failing, "COPY")
    sender.put("a")
    sender.put("b")
    sender.thread.join(0.5)
    with pytest.raises(ValueError, match="duplicate key"):
        for batch in "cdefghijklmnop":
            sender.put(batch)
    with pytest.raises(ValueError, match="duplicate key"):
        sender.close()
    assert failing.log[-1] == "abort"

    # An abort ends the open statement with an error, so the server discards it.
    aborted = _FakeCursor()
    sender = bulk._Sender(aborted, "COPY")
    sender.put("a")
    sender.abort()
    assert aborted.log == ["begin", "a", "abort"]
    assert not sender.thread.is_alive()


@postgres_only
@pytest.mark.django_db
def test_a_large_columnar_import_refreshes_statistics_after_its_commit(
    agency_a, alice, monkeypatch, django_capture_on_commit_callbacks
):
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(import_services, "ANALYZE_ROWS", 5)
    data = _synthetic_file(20, seed=3).encode()
    with CaptureQueriesContext(connection) as captured:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            outcome = _import(agency_a, alice, data, columnar_path=True, monkeypatch=monkeypatch)
        assert outcome.committed
        assert not [q for q in captured.captured_queries if q["sql"].startswith("ANALYZE")]
        for callback in callbacks:
            callback()
    assert [q for q in captured.captured_queries if q["sql"].startswith("ANALYZE")]


def _preview(agency, data: bytes, *, columnar_path: bool, monkeypatch):
    from mhr.encounters.import_services import encounter_import_preview

    with _only_path(monkeypatch, columnar_path=columnar_path):
        return encounter_import_preview(agency=agency, file=io.BytesIO(data), filename="f.csv")


@pytest.mark.django_db
def test_a_dry_run_reads_alike_both_ways_and_writes_nothing(agency_a, monkeypatch):
    data = _variety(_synthetic_file(800, seed=9)).encode()
    fast = _preview(agency_a, data, columnar_path=True, monkeypatch=monkeypatch)
    slow = _preview(agency_a, data, columnar_path=False, monkeypatch=monkeypatch)
    assert fast.counts == slow.counts
    assert fast.counts["new"] == fast.counts["rows"] == 803
    assert fast.mapping == slow.mapping and fast.headers == slow.headers
    assert not fast.errors.total and not Encounter.objects.filter(agency=agency_a).exists()


@pytest.mark.django_db
def test_a_dry_run_with_a_repeated_incident_number_names_its_rows(agency_a):
    from mhr.encounters.import_services import encounter_import_preview

    data = (
        "incident_number,received_at,disposition\n"
        "R-1,2025-01-05 09:00,arrest\nR-2,2025-01-05 10:00,arrest\nR-1,2025-01-06 09:00,arrest\n"
    )
    outcome = encounter_import_preview(
        agency=agency_a, file=io.BytesIO(data.encode()), filename="f.csv"
    )
    [issue] = outcome.errors.items
    assert (issue.row, issue.column) == (4, "incident_number")
    assert "also on row 2" in issue.message


def test_the_tally_refuses_a_rollup_measure_it_does_not_count():
    from mhr.encounters import stats

    columnar.DailyTally(stats.MEASURES, stats.DISPOSITION_COLUMNS)  # the real set: accepted
    with pytest.raises(ValueError, match="DailyTally counts"):
        columnar.DailyTally((*stats.MEASURES, "weapon_seen"), stats.DISPOSITION_COLUMNS)
