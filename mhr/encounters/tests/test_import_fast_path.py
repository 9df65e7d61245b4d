"""The import's fast path (PostgreSQL): new rows COPYed straight into the table with their
repeat-contact flags computed while reading, and the mixed path (look-ups, upserts, recompute).

Both must leave exactly what the reference rules give: flags as encounters_recompute_repeats
(one EXISTS per record) computes them, and counts equal to rebuilding every rollup from the
records. On SQLite the same tests check the simpler path.
"""

from __future__ import annotations

import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr.encounters import synthetic
from mhr.encounters.import_services import encounter_import_run
from mhr.encounters.imports import bulk
from mhr.encounters.models import (
    Encounter,
    EncounterDailyCount,
    EncounterImport,
    EncounterRevision,
)
from mhr.encounters.rollups import rollup_rebuild_all
from mhr.encounters.services import encounters_recompute_repeats
from mhr.encounters.tests.factories import rollup_snapshot

pytestmark = pytest.mark.django_db

HEADER = "Incident,Received,Arrived,Cleared,Disposition,Call source,District,Person key\n"
FIRST = datetime.datetime(2025, 1, 30, 8, 0)  # noqa: DTZ001 (a file's local wall-clock time)

# One row: (person index or None, minutes after FIRST, disposition). Few people and few
# distinct times, so ties and first contacts met late in the file are common.
_row = st.tuples(
    st.none() | st.integers(0, 5),
    st.sampled_from([0, 0, 30, 60 * 24 * 3, 60 * 24 * 40]),
    st.sampled_from(["arrest", "referral", "resolved_on_scene"]),
)


def _file(rows, *, prefix: str = "F", numbers=None) -> io.BytesIO:
    lines = [HEADER]
    for index, (person, minutes, disposition) in enumerate(rows):
        number = numbers[index] if numbers else index
        received = FIRST + datetime.timedelta(minutes=minutes)
        cleared = received + datetime.timedelta(minutes=45)
        key = f"p{person}" if person is not None else ""
        lines.append(
            f"{prefix}-{number},{received:%Y-%m-%d %H:%M},,{cleared:%Y-%m-%d %H:%M},"
            f"{disposition},911,NORTH,{key}\n"
        )
    return io.BytesIO("".join(lines).encode())


def _commit(agency, actor, stream, name="f.csv"):
    outcome = encounter_import_run(
        agency=agency, file=stream, filename=name, actor=actor, commit=True
    )
    assert outcome.committed, [(i.row, i.column, i.message) for i in outcome.errors.items]
    return outcome


def _flags(agency, *, keyed_only: bool = False) -> dict[str, bool]:
    records = Encounter.objects.filter(agency=agency)
    if keyed_only:
        records = records.exclude(person_digest="")
    return dict(records.values_list("incident_number", "repeat_contact"))


def _reference_flags(agency, *, keyed_only: bool) -> dict[str, bool]:
    """The per-record rule, recomputed from scratch for the records with a person key (left in
    place: the caller compares); records without a key never repeat."""
    keyed = Encounter.objects.filter(agency=agency).exclude(person_digest="")
    keyed.update(repeat_contact=False)
    digests = set(keyed.values_list("person_digest", flat=True))
    encounters_recompute_repeats(agency=agency, digests=digests)
    flags = _flags(agency, keyed_only=True)
    if not keyed_only:
        flags.update(
            dict.fromkeys(
                Encounter.objects.filter(agency=agency, person_digest="").values_list(
                    "incident_number", flat=True
                ),
                False,
            )
        )
    return flags


def _assert_consistent(agency, *, keyed_only: bool = False) -> None:
    """Flags and counts as the importer left them equal a from-scratch recompute.

    `keyed_only`: compare records with a person key only. A stored record whose update removes
    its key keeps its old flag, in the services as in the importer (neither recomputes people
    without a key); a from-scratch recompute would clear it.
    """
    flags = _flags(agency, keyed_only=keyed_only)
    counts = rollup_snapshot()
    assert _reference_flags(agency, keyed_only=keyed_only) == flags
    rollup_rebuild_all()
    assert rollup_snapshot() == counts


def _clear(agency) -> None:
    Encounter.objects.filter(agency=agency).delete()
    rollup_rebuild_all()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_row, min_size=1, max_size=30))
def test_fast_path_flags_and_counts_match_the_reference(agency_a, alice, rows):
    _clear(agency_a)
    outcome = _commit(agency_a, alice, _file(rows))
    assert outcome.counts["new"] == len(rows)
    _assert_consistent(agency_a)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(_row, min_size=1, max_size=20),
    second=st.lists(_row, min_size=1, max_size=20),
    overlap=st.integers(0, 20),
)
def test_mixed_new_and_updated_rows_match_the_reference(agency_a, alice, first, second, overlap):
    """A second file that changes some stored records (person, time, disposition) and adds new
    ones: the look-up path, its upserts and the recompute give the reference flags."""
    _clear(agency_a)
    _commit(agency_a, alice, _file(first))
    _assert_consistent(agency_a)
    # The second file's first `overlap` rows reuse the first file's incident numbers.
    numbers = [i if i < min(overlap, len(first)) else 100 + i for i in range(len(second))]
    stored = dict(
        Encounter.objects.filter(agency=agency_a).values_list("incident_number", "version")
    )
    outcome = _commit(agency_a, alice, _file(second, numbers=numbers), name="g.csv")
    assert outcome.counts["new"] + outcome.counts["updated"] + outcome.counts["unchanged"] == len(
        second
    )
    assert outcome.counts["new"] == sum(1 for n in numbers if n >= 100)
    updated = {
        number: version
        for number, version in Encounter.objects.filter(agency=agency_a).values_list(
            "incident_number", "version"
        )
        if number in stored and version != stored[number]
    }
    assert len(updated) == outcome.counts["updated"]
    assert EncounterRevision.objects.filter(
        encounter__agency=agency_a, source=Encounter.Source.IMPORT
    ).count() == len(updated)
    _assert_consistent(agency_a, keyed_only=True)


def test_a_first_contact_met_late_in_the_file_is_flipped(agency_a, alice):
    # p1's earliest contact is the file's last row; the two before it become repeats.
    rows = [(1, 60, "arrest"), (None, 0, "arrest"), (1, 30, "referral"), (1, 0, "arrest")]
    _commit(agency_a, alice, _file(rows))
    assert _flags(agency_a) == {"F-0": True, "F-1": False, "F-2": True, "F-3": False}
    _assert_consistent(agency_a)


@pytest.mark.parametrize("seed", [3, 11])
def test_a_realistic_file_leaves_the_counts_a_recount_gives(agency_a, alice, monkeypatch, seed):
    """Every measure, key and minutes band, daily and monthly, after importing a file with
    every field varied: several batches, first contacts flipped across them, and few days so
    that many records share a daily row."""
    monkeypatch.setattr(bulk, "BATCH_SIZE", 97)
    stream = io.StringIO()
    synthetic.write_native_csv(
        stream,
        count=700,
        seed=seed,
        first_day=datetime.date(2025, 2, 20),
        last_day=datetime.date(2025, 3, 12),
    )
    outcome = _commit(agency_a, alice, io.BytesIO(stream.getvalue().encode()))
    assert outcome.counts["new"] == 700
    assert EncounterDailyCount.objects.filter(agency=agency_a).count() > 20
    assert Encounter.objects.filter(agency=agency_a, repeat_contact=True).exists()
    _assert_consistent(agency_a)


def test_same_time_contacts_repeat_in_file_order(agency_a, alice):
    rows = [(2, 0, "arrest"), (2, 0, "arrest"), (2, 0, "arrest")]
    _commit(agency_a, alice, _file(rows))
    assert _flags(agency_a) == {"F-0": False, "F-1": True, "F-2": True}


def test_many_batches_on_the_fast_path(agency_a, alice, monkeypatch):
    """Several batches through one COPY: flags across batch boundaries, then a re-import."""
    monkeypatch.setattr(bulk, "BATCH_SIZE", 7)
    rows = [((i * 7) % 11, (i * 37) % 5 * 30, "arrest") for i in range(60)]
    _commit(agency_a, alice, _file(rows))
    assert Encounter.objects.filter(agency=agency_a).count() == 60
    _assert_consistent(agency_a)
    again = _commit(agency_a, alice, _file(rows))
    assert again.counts["unchanged"] == 60


@pytest.mark.parametrize(
    "bad_line",
    [
        "F-bad,2025-01-30 08:00,,,not-a-code,911,NORTH,p1\n",  # a row error
        'F-bad,"2025-01-30 08:00,,,arrest,911,NORTH,p1\n',  # a CSV error that ends the read
    ],
)
def test_an_error_after_rows_were_sent_commits_nothing(agency_a, alice, monkeypatch, bad_line):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 5)
    good = _file([(i % 3, i, "arrest") for i in range(40)]).getvalue().decode()
    stream = io.BytesIO((good + bad_line).encode())
    outcome = encounter_import_run(
        agency=agency_a, file=stream, filename="e.csv", actor=alice, commit=True
    )
    assert not outcome.committed
    assert outcome.errors.total >= 1
    assert not Encounter.objects.filter(agency=agency_a).exists()
    assert outcome.batch.status == EncounterImport.Status.FAILED
    # The connection is usable afterwards, and a correct file goes in.
    _commit(agency_a, alice, io.BytesIO(good.encode()))
    assert Encounter.objects.filter(agency=agency_a).count() == 40
